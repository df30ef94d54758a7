//! The plant taxonomy: storage, the tree rendering of `parent`/`children`, and the `plants` operations.

use crate::api::models::{Notice, PaginatedPlantList, Plant, PlantCreate, PlantPatch, Season};
use crate::api::server::{
    ApiError, PlantsApi, PlantsCreateResponse, PlantsGetResponse, PlantsListQuery,
    PlantsListResponse, PlantsRemoveResponse, PlantsUpdateResponse, RequestContext,
};
use crate::api::Nullable;
use crate::{GardenServer, Gardener};
use apigen_runtime::indexmap::IndexMap;
use apigen_runtime::uuid::Uuid;
use apigen_runtime::{chrono, serde_json};

/// The page size when `take` is not sent: the spec's `default_limit`.
const DEFAULT_TAKE: i64 = 2;
/// The largest page a client may ask for.
const MAX_TAKE: i64 = 100;

/// A plant as stored: the parent by id (the response's `parent` and `children` are derived from these links).
#[derive(Debug, Clone)]
struct StoredPlant {
    name: String,
    latin: Option<String>,
    parent_id: Option<Uuid>,
    season: Option<Season>,
    tags: Option<IndexMap<String, String>>,
    notes: Option<serde_json::Value>,
    planted_on: Option<chrono::NaiveDate>,
    height_cm: Option<f64>,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// One garden's plants, in planting order.
#[derive(Debug, Default)]
pub(crate) struct Plants {
    by_id: IndexMap<Uuid, StoredPlant>,
}

impl Plants {
    /// `id` rendered with its whole context: `parent` is the chain of ancestors (each without its children, which
    /// would lead back here) and `children` the whole subtree below (each without `parent`, which is this plant).
    fn render(&self, id: Uuid) -> Option<Plant> {
        let stored = self.by_id.get(&id)?;
        let parent = match stored.parent_id {
            Some(parent) => self
                .render_ancestor(parent)
                .map_or(Nullable::Null, |p| Nullable::Value(Box::new(p))),
            None => Nullable::Null,
        };
        Some(self.plant(id, stored, parent, self.render_children(id)))
    }

    fn render_ancestor(&self, id: Uuid) -> Option<Plant> {
        let stored = self.by_id.get(&id)?;
        let parent = match stored.parent_id.and_then(|p| self.render_ancestor(p)) {
            Some(p) => Nullable::Value(Box::new(p)),
            None => Nullable::Null,
        };
        Some(self.plant(id, stored, parent, Vec::new()))
    }

    fn render_children(&self, id: Uuid) -> Vec<Plant> {
        self.by_id
            .iter()
            .filter(|(_, p)| p.parent_id == Some(id))
            .map(|(child, stored)| {
                self.plant(
                    *child,
                    stored,
                    Nullable::Absent,
                    self.render_children(*child),
                )
            })
            .collect()
    }

    fn plant(
        &self,
        id: Uuid,
        stored: &StoredPlant,
        parent: Nullable<Box<Plant>>,
        children: Vec<Plant>,
    ) -> Plant {
        Plant {
            id,
            name: stored.name.clone(),
            latin: stored.latin.clone(),
            parent,
            children,
            season: stored.season,
            tags: stored.tags.clone(),
            notes: stored.notes.clone(),
            planted_on: stored.planted_on,
            height_cm: stored.height_cm,
            created_at: stored.created_at,
        }
    }

    /// True if `ancestor` is `id` or above it: making `id` the parent of `ancestor` would close a loop.
    fn is_ancestor_or_self(&self, ancestor: Uuid, mut id: Uuid) -> bool {
        // The links form a forest (every change goes through this check), so the walk ends; the step bound
        // only keeps a bug from hanging a request.
        for _ in 0..=self.by_id.len() {
            if id == ancestor {
                return true;
            }
            match self.by_id.get(&id).and_then(|p| p.parent_id) {
                Some(parent) => id = parent,
                None => return false,
            }
        }
        true
    }

    /// Upsert by name: `Ok(true)` created, `Ok(false)` updated, `Err` a refusal for the 409 answer.
    fn plant_or_replant(&mut self, body: PlantCreate) -> Result<(Uuid, bool), Notice> {
        let existing = self
            .by_id
            .iter()
            .find(|(_, p)| p.name == body.name)
            .map(|(id, _)| *id);
        if let Nullable::Value(parent) = body.parent_id {
            if !self.by_id.contains_key(&parent) {
                return Err(notice(format!("There is no plant {parent} to grow under.")));
            }
            if existing.is_some_and(|id| self.is_ancestor_or_self(id, parent)) {
                return Err(notice(format!(
                    "{} cannot grow under its own offshoot.",
                    body.name
                )));
            }
        }
        let created_at = existing
            .and_then(|id| self.by_id.get(&id))
            .map_or_else(chrono::Utc::now, |p| p.created_at);
        let stored = StoredPlant {
            name: body.name,
            latin: body.latin.value(),
            parent_id: body.parent_id.value(),
            season: body.season,
            tags: body.tags,
            notes: body.notes.value(),
            planted_on: body.planted_on.value(),
            height_cm: body.height_cm.value(),
            created_at,
        };
        let id = existing.unwrap_or_else(Uuid::new_v4);
        self.by_id.insert(id, stored);
        Ok((id, existing.is_none()))
    }

    /// Applies a PATCH: absent fields stay, `null` clears, values replace.
    fn update(&mut self, id: Uuid, patch: PlantPatch) -> Result<(), ApiError> {
        if !self.by_id.contains_key(&id) {
            return Err(ApiError::NotFound);
        }
        if let Nullable::Value(parent) = patch.parent_id {
            if !self.by_id.contains_key(&parent) {
                return Err(ApiError::field(
                    "parent_id",
                    "does_not_exist",
                    format!("There is no plant {parent}."),
                ));
            }
            if self.is_ancestor_or_self(id, parent) {
                return Err(ApiError::field(
                    "parent_id",
                    "invalid_input",
                    "A plant cannot grow under itself or its offshoots.",
                ));
            }
        }
        if let Some(name) = &patch.name {
            if self
                .by_id
                .iter()
                .any(|(other, p)| *other != id && &p.name == name)
            {
                return Err(ApiError::field(
                    "name",
                    "unique",
                    format!("A plant named {name} exists already."),
                ));
            }
        }
        let Some(stored) = self.by_id.get_mut(&id) else {
            return Err(ApiError::NotFound);
        };
        if let Some(name) = patch.name {
            stored.name = name;
        }
        patch.latin.apply_to(&mut stored.latin);
        patch.parent_id.apply_to(&mut stored.parent_id);
        if let Some(season) = patch.season {
            stored.season = Some(season);
        }
        if let Some(tags) = patch.tags {
            stored.tags = Some(tags);
        }
        patch.notes.apply_to(&mut stored.notes);
        patch.planted_on.apply_to(&mut stored.planted_on);
        patch.height_cm.apply_to(&mut stored.height_cm);
        Ok(())
    }

    /// Uproots `id`; its children move up to its parent, so no plant is left pointing at a missing one.
    fn remove(&mut self, id: Uuid) -> bool {
        let Some(removed) = self.by_id.shift_remove(&id) else {
            return false;
        };
        for plant in self.by_id.values_mut() {
            if plant.parent_id == Some(id) {
                plant.parent_id = removed.parent_id;
            }
        }
        true
    }

    /// The `(name, height_cm)` of every plant, in planting order (the harvest weighs them).
    pub(crate) fn heights(&self) -> Vec<(String, Option<f64>)> {
        self.by_id
            .values()
            .map(|p| (p.name.clone(), p.height_cm))
            .collect()
    }
}

fn notice(text: String) -> Notice {
    Notice { notice: text }
}

/// True if `plant` passes the list's filters: its season, and `search` in its name or Latin name (any case).
fn matches(plant: &StoredPlant, query: &PlantsListQuery) -> bool {
    let season = match query.season {
        Some(season) => plant.season == Some(season),
        None => true,
    };
    let search = match query.search.as_deref() {
        Some(needle) => {
            let needle = needle.to_lowercase();
            plant.name.to_lowercase().contains(&needle)
                || plant
                    .latin
                    .as_deref()
                    .is_some_and(|l| l.to_lowercase().contains(&needle))
        }
        None => true,
    };
    season && search
}

impl PlantsApi for GardenServer {
    async fn list(
        &self,
        ctx: RequestContext<Gardener>,
        garden: String,
        query: PlantsListQuery,
    ) -> Result<PlantsListResponse, ApiError> {
        let take = query.take.unwrap_or(DEFAULT_TAKE);
        if take < 1 {
            return Err(ApiError::field(
                "take",
                "min_value",
                "Ensure this value is greater than or equal to 1.",
            ));
        }
        // More than the most a page holds gives a full page, as Django REST framework's `max_limit` does: the
        // document can say that `take` starts at 1, but not where a server caps it.
        let take = take.min(MAX_TAKE);
        let skip = query.skip.unwrap_or(0);
        if skip < 0 {
            return Err(ApiError::field(
                "skip",
                "min_value",
                "Ensure this value is greater than or equal to 0.",
            ));
        }
        let (total, items) = self.with_garden(&garden, |g| {
            let ids: Vec<Uuid> = g
                .plants
                .by_id
                .iter()
                .filter(|(_, p)| matches(p, &query))
                .map(|(id, _)| *id)
                .collect();
            let page = ids
                .iter()
                .skip(usize::try_from(skip).unwrap_or(usize::MAX))
                .take(usize::try_from(take).unwrap_or(usize::MAX))
                .filter_map(|id| g.plants.render(*id))
                .collect::<Vec<_>>();
            (ids.len() as i64, page)
        });
        // Links keep the request's other parameters (the filters, `take`) and move `skip`.
        let next = (skip.saturating_add(take) < total)
            .then(|| ctx.absolute_url_with_query("skip", Some(&(skip + take).to_string())));
        let previous = (skip > 0).then(|| match skip - take {
            back if back > 0 => ctx.absolute_url_with_query("skip", Some(&back.to_string())),
            _ => ctx.absolute_url_with_query("skip", None),
        });
        Ok(PlantsListResponse::Ok(PaginatedPlantList {
            total,
            next,
            previous,
            items,
        }))
    }

    async fn create(
        &self,
        _ctx: RequestContext<Gardener>,
        garden: String,
        body: PlantCreate,
    ) -> Result<PlantsCreateResponse, ApiError> {
        self.with_garden(&garden, |g| match g.plants.plant_or_replant(body) {
            Ok((id, created)) => {
                let plant = g.plants.render(id).ok_or(ApiError::NotFound)?;
                Ok(if created {
                    PlantsCreateResponse::Created(plant)
                } else {
                    PlantsCreateResponse::Ok(plant)
                })
            }
            Err(refusal) => Ok(PlantsCreateResponse::Conflict(refusal)),
        })
    }

    async fn get(
        &self,
        _ctx: RequestContext<Gardener>,
        garden: String,
        id: Uuid,
    ) -> Result<PlantsGetResponse, ApiError> {
        self.with_garden(&garden, |g| g.plants.render(id))
            .map(PlantsGetResponse::Ok)
            .ok_or(ApiError::NotFound)
    }

    async fn update(
        &self,
        _ctx: RequestContext<Gardener>,
        garden: String,
        id: Uuid,
        body: PlantPatch,
    ) -> Result<PlantsUpdateResponse, ApiError> {
        self.with_garden(&garden, |g| {
            g.plants.update(id, body)?;
            g.plants
                .render(id)
                .map(PlantsUpdateResponse::Ok)
                .ok_or(ApiError::NotFound)
        })
    }

    async fn remove(
        &self,
        _ctx: RequestContext<Gardener>,
        garden: String,
        id: Uuid,
    ) -> Result<PlantsRemoveResponse, ApiError> {
        if self.with_garden(&garden, |g| g.plants.remove(id)) {
            Ok(PlantsRemoveResponse::NoContent)
        } else {
            Err(ApiError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(name: &str, parent_id: Option<Uuid>) -> PlantCreate {
        PlantCreate {
            name: name.into(),
            latin: Nullable::Absent,
            parent_id: parent_id.map_or(Nullable::Absent, Nullable::Value),
            season: None,
            tags: None,
            notes: Nullable::Absent,
            planted_on: Nullable::Absent,
            height_cm: Nullable::Absent,
        }
    }

    fn plant(plants: &mut Plants, name: &str, parent: Option<Uuid>) -> Uuid {
        let (id, created) = plants.plant_or_replant(create(name, parent)).unwrap();
        assert!(created);
        id
    }

    #[test]
    fn renders_ancestors_up_and_subtrees_down() {
        let mut plants = Plants::default();
        let root = plant(&mut plants, "Nightshades", None);
        let mid = plant(&mut plants, "Tomato", Some(root));
        let leaf = plant(&mut plants, "Cherry tomato", Some(mid));
        let middle = plants.render(mid).unwrap();
        let Nullable::Value(parent) = &middle.parent else {
            panic!("no parent: {middle:?}");
        };
        assert_eq!((parent.id, parent.parent.is_null()), (root, true));
        assert!(parent.children.is_empty());
        assert_eq!(middle.children.len(), 1);
        assert_eq!(middle.children[0].id, leaf);
        assert!(middle.children[0].parent.is_absent());
        let top = plants.render(root).unwrap();
        assert_eq!(top.children[0].children[0].id, leaf);
    }

    #[test]
    fn refuses_loops_and_unknown_parents() {
        let mut plants = Plants::default();
        let root = plant(&mut plants, "Root", None);
        let child = plant(&mut plants, "Child", Some(root));
        let patch = PlantPatch {
            parent_id: Nullable::Value(child),
            ..PlantPatch::default()
        };
        assert!(matches!(
            plants.update(root, patch),
            Err(ApiError::Validation { .. })
        ));
        // Replanting the root under its own child would close the same loop.
        assert!(plants
            .plant_or_replant(create("Root", Some(child)))
            .is_err());
        assert!(plants
            .plant_or_replant(create("Other", Some(Uuid::nil())))
            .is_err());
    }

    #[test]
    fn removing_moves_children_up() {
        let mut plants = Plants::default();
        let root = plant(&mut plants, "Root", None);
        let mid = plant(&mut plants, "Mid", Some(root));
        let leaf = plant(&mut plants, "Leaf", Some(mid));
        assert!(plants.remove(mid));
        assert!(!plants.remove(mid));
        assert_eq!(plants.by_id[&leaf].parent_id, Some(root));
    }
}
