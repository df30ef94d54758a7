//! Sensors (seeded: the API has no operation to add one), their readings, and the harvest of the plots.

use crate::api::models::{Harvest, Notice, PaginatedSensorList, Sensor, SensorStatus};
use crate::api::server::{
    ApiError, RequestContext, SensorsApi, SensorsHarvestQuery, SensorsHarvestResponse,
    SensorsListQuery, SensorsListResponse, SensorsRecordResponse,
};
use crate::{GardenServer, Gardener};
use apigen_runtime::indexmap::IndexMap;
use apigen_runtime::uuid::Uuid;
use std::collections::BTreeSet;

/// Sensors per page: the spec's `page_size`.
const PAGE_SIZE: usize = 2;

/// How many sensors every garden starts with.
pub const SEEDED_SENSORS: usize = 5;

/// The plots of every garden, numbered from 1.
pub const PLOTS: i64 = 4;

/// The id of the seeded sensor `n` (from 1), the same in every garden.
pub fn seeded_sensor_id(n: usize) -> Uuid {
    Uuid::from_u128(0x5e50_0000_0000_4000_8000_0000_0000_0000 + n as u128)
}

/// One garden's sensors, in id order, and the plots harvested so far.
#[derive(Debug)]
pub(crate) struct Sensors {
    by_id: IndexMap<Uuid, Sensor>,
    harvested: BTreeSet<i64>,
}

impl Default for Sensors {
    /// The seeded sensors: every status including one this crate's enum does not know (`calibrating`, kept as
    /// `SensorStatus::Unknown`), and every optional field both present and absent.
    fn default() -> Self {
        let statuses = [
            Some(SensorStatus::Ok),
            Some(SensorStatus::LowBattery),
            Some(SensorStatus::Offline),
            None,
            Some(SensorStatus::Unknown("calibrating".into())),
        ];
        let by_id = statuses
            .into_iter()
            .enumerate()
            .map(|(index, status)| {
                let n = index + 1;
                let first = n == 1;
                let sensor = Sensor {
                    id: seeded_sensor_id(n),
                    label: format!("bed-{n}"),
                    readings: IndexMap::from([("moisture".to_owned(), vec![0.25 * n as f64])]),
                    grid: first.then(|| vec![vec![1, 2, 3], vec![4, 5, 6]]),
                    status,
                    site: first.then(|| "https://garden.example.org/beds/1".to_owned()),
                    owner: first.then(|| "keeper@garden.example.org".to_owned()),
                };
                (sensor.id, sensor)
            })
            .collect();
        Sensors {
            by_id,
            harvested: BTreeSet::new(),
        }
    }
}

impl Sensors {
    /// How many sensors the garden has.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Removes every sensor.
    #[cfg(test)]
    pub(crate) fn clear(&mut self) {
        self.by_id.clear();
    }
}

/// The harvest of `plot`: every plant weighs a hundredth of its height per plot number (a made-up rule that
/// makes the weights predictable), plants without a height weigh nothing.
fn weigh(plot: i64, plants: &[(String, Option<f64>)]) -> IndexMap<String, f64> {
    plants
        .iter()
        .map(|(name, height)| (name.clone(), height.unwrap_or(0.0) * plot as f64 / 100.0))
        .collect()
}

fn notice(text: String) -> Notice {
    Notice { notice: text }
}

impl SensorsApi for GardenServer {
    async fn list(
        &self,
        ctx: RequestContext<Gardener>,
        garden: String,
        query: SensorsListQuery,
    ) -> Result<SensorsListResponse, ApiError> {
        let found = self.with_garden(&garden, |g| {
            let count = g.sensors.by_id.len();
            let pages = count.div_ceil(PAGE_SIZE).max(1);
            // A page past the end does not exist (as in Django REST framework's page-number pagination).
            let page = usize::try_from(query.p.unwrap_or(1))
                .ok()
                .filter(|p| (1..=pages).contains(p))?;
            let sensors = g.sensors.by_id.values().skip((page - 1) * PAGE_SIZE);
            let results: Vec<Sensor> = sensors.take(PAGE_SIZE).cloned().collect();
            Some((count, pages, page, results))
        });
        let Some((count, pages, page, results)) = found else {
            return Err(ApiError::NotFound);
        };
        let next =
            (page < pages).then(|| ctx.absolute_url_with_query("p", Some(&(page + 1).to_string())));
        let previous = match page {
            1 => None,
            2 => Some(ctx.absolute_url_with_query("p", None)),
            _ => Some(ctx.absolute_url_with_query("p", Some(&(page - 1).to_string()))),
        };
        Ok(SensorsListResponse::Ok(PaginatedSensorList {
            count: i64::try_from(count).unwrap_or(i64::MAX),
            next,
            previous,
            results,
        }))
    }

    async fn record(
        &self,
        _ctx: RequestContext<Gardener>,
        garden: String,
        id: Uuid,
        body: IndexMap<String, Vec<f64>>,
    ) -> Result<SensorsRecordResponse, ApiError> {
        if body.keys().any(String::is_empty) {
            return Err(ApiError::validation(
                "invalid_input",
                "A series needs a name.",
            ));
        }
        self.with_garden(&garden, |g| {
            let sensor = g.sensors.by_id.get_mut(&id).ok_or(ApiError::NotFound)?;
            for (series, values) in body {
                sensor.readings.entry(series).or_default().extend(values);
            }
            Ok(SensorsRecordResponse::Ok(sensor.clone()))
        })
    }

    async fn harvest(
        &self,
        _ctx: RequestContext<Gardener>,
        garden: String,
        plot: i64,
        query: SensorsHarvestQuery,
    ) -> Result<SensorsHarvestResponse, ApiError> {
        let dry_run = query.dry_run.unwrap_or(false);
        Ok(self.with_garden(&garden, |g| {
            if !(1..=PLOTS).contains(&plot) {
                return SensorsHarvestResponse::BadRequest(notice(format!(
                    "There is no plot {plot}: plots are numbered 1 to {PLOTS}."
                )));
            }
            if g.sensors.harvested.contains(&plot) {
                return SensorsHarvestResponse::BadRequest(notice(format!(
                    "Plot {plot} was harvested already."
                )));
            }
            let weights = weigh(plot, &g.plants.heights());
            let message = if dry_run {
                "Dry run: nothing was picked.".to_owned()
            } else {
                g.sensors.harvested.insert(plot);
                format!("Plot {plot} harvested.")
            };
            SensorsHarvestResponse::Ok(Harvest {
                weights,
                message: Some(message),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighs_by_height_and_plot() {
        let plants = [("Bean".to_owned(), Some(150.0)), ("Moss".to_owned(), None)];
        let weights = weigh(2, &plants);
        assert_eq!(weights["Bean"], 3.0);
        assert_eq!(weights["Moss"], 0.0);
    }

    #[test]
    fn seeds_distinct_sensors() {
        let sensors = Sensors::default();
        assert_eq!(sensors.len(), SEEDED_SENSORS);
        assert_eq!(sensors.by_id[0].id, seeded_sensor_id(1));
        assert_ne!(seeded_sensor_id(1), seeded_sensor_id(2));
    }
}
