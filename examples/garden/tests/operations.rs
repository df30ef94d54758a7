//! Every operation of the garden API, called with the generated client against the in-memory server built on the
//! generated stubs (both from `spec/examples/garden.yaml`), over HTTP on 127.0.0.1.

mod common;

use apigen_runtime::indexmap::IndexMap;
use apigen_runtime::serde_json::json;
use apigen_runtime::{chrono, serde_json, uuid};
use common::{anonymous, client, notice, problem, start, GARDEN};
use garden_example::api::client::PlantsCreateResponse;
use garden_example::api::models::{Plant, ProblemKind, Season, SensorStatus};
use garden_example::api::Nullable;
use garden_example::{seeded_sensor_id, API_VERSION, SEEDED_SENSORS};

fn created(answer: PlantsCreateResponse) -> Plant {
    match answer {
        PlantsCreateResponse::Created(plant) => plant,
        other => panic!("expected 201 Created, got {other:?}"),
    }
}

#[tokio::test]
async fn health_needs_no_key() {
    let base = start().await;
    let health = anonymous(&base)
        .health()
        .check(GARDEN)
        .send()
        .await
        .unwrap();
    assert!(health.ok);
    assert_eq!(health.version, API_VERSION);
    assert!(health.uptime_s >= 0);
    // A key is accepted too, even one the server does not know: the route is open.
    for key in ["guest-key", "no-such-key"] {
        let health = client(&base, key)
            .health()
            .check(GARDEN)
            .send()
            .await
            .unwrap();
        assert!(health.ok);
    }
}

#[tokio::test]
async fn plants_crud_with_both_create_outcomes() {
    let base = start().await;
    let gardener = client(&base, "gardener-key");
    let planted_on = chrono::NaiveDate::from_ymd_opt(2024, 4, 20).unwrap();
    let tags = IndexMap::from([
        ("bed".to_owned(), "3".to_owned()),
        ("sun".to_owned(), "full".to_owned()),
    ]);
    let notes = json!({"sown": [1, 2], "by": "Ann", "organic": true, "ph": 6.5, "more": null});
    let answer = gardener
        .plants()
        .create(GARDEN)
        .name("Tomato")
        .latin("Solanum lycopersicum")
        .season(Season::Summer)
        .tags(tags.clone())
        .notes(notes.clone())
        .planted_on(planted_on)
        .height_cm(120.5)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    let tomato = created(answer);
    assert_eq!(tomato.name, "Tomato");
    assert_eq!(tomato.latin.as_deref(), Some("Solanum lycopersicum"));
    assert_eq!(tomato.season, Some(Season::Summer));
    assert_eq!(tomato.tags.as_ref(), Some(&tags));
    // Arbitrary JSON comes back as sent, key order included.
    assert_eq!(tomato.notes.as_ref(), Some(&notes));
    assert_eq!(
        serde_json::to_string(tomato.notes.as_ref().unwrap()).unwrap(),
        serde_json::to_string(&notes).unwrap()
    );
    assert_eq!(tomato.planted_on, Some(planted_on));
    assert_eq!(tomato.height_cm, Some(120.5));
    assert!(tomato.parent.is_null());
    assert!(tomato.children.is_empty());

    // The same name again is an update of the existing plant: 200, same id and creation time.
    let answer = gardener
        .plants()
        .create(GARDEN)
        .name("Tomato")
        .season(Season::Spring)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let PlantsCreateResponse::Ok(replanted) = answer else {
        panic!("expected 200 Ok, got {answer:?}");
    };
    assert_eq!(
        (replanted.id, replanted.created_at),
        (tomato.id, tomato.created_at)
    );
    assert_eq!(replanted.season, Some(Season::Spring));
    assert_eq!(replanted.latin, None);

    let fetched = gardener
        .plants()
        .get(GARDEN, tomato.id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched, replanted);

    gardener
        .plants()
        .remove(GARDEN, tomato.id)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(gardener.plants().get(GARDEN, tomato.id).send().await);
    assert_eq!(status, 404);
    assert_eq!(body.kind, ProblemKind::Missing);
    assert_eq!((body.detail.as_str(), body.field), ("Nothing here.", None));
    let (status, _) = problem(gardener.plants().remove(GARDEN, tomato.id).send().await);
    assert_eq!(status, 404);
    let (status, _) = problem(
        gardener
            .plants()
            .update(GARDEN, tomato.id)
            .name("Gone")
            .send()
            .await,
    );
    assert_eq!(status, 404);
}

#[tokio::test]
async fn create_refusal_is_a_409_notice() {
    let base = start().await;
    let gardener = client(&base, "gardener-key");
    let missing = uuid::Uuid::from_u128(42);
    let (status, body) = notice(
        gardener
            .plants()
            .create(GARDEN)
            .name("Orphan")
            .parent_id(missing)
            .send()
            .await,
    );
    assert_eq!(status, 409);
    assert_eq!(
        body.notice,
        format!("There is no plant {missing} to grow under.")
    );
}

#[tokio::test]
async fn patch_distinguishes_absent_null_and_value() {
    let base = start().await;
    let gardener = client(&base, "gardener-key");
    let plant = created(
        gardener
            .plants()
            .create(GARDEN)
            .name("Basil")
            .latin("Ocimum basilicum")
            .notes(json!(["pinch often"]))
            .height_cm(30.0)
            .send()
            .await
            .unwrap(),
    );

    // Absent: only the name is sent, every nullable field keeps its value.
    let renamed = gardener
        .plants()
        .update(GARDEN, plant.id)
        .name("Sweet basil")
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name, "Sweet basil");
    assert_eq!(renamed.latin.as_deref(), Some("Ocimum basilicum"));
    assert_eq!(renamed.notes, Some(json!(["pinch often"])));
    assert_eq!(renamed.height_cm, Some(30.0));

    // Null: sent as null, the field is cleared; the others stay.
    let cleared = gardener
        .plants()
        .update(GARDEN, plant.id)
        .latin_null()
        .notes_null()
        .send()
        .await
        .unwrap();
    assert_eq!((cleared.latin, cleared.notes), (None, None));
    assert_eq!(cleared.height_cm, Some(30.0));

    // A value replaces; `set_*` takes the three states as data.
    let changed = gardener
        .plants()
        .update(GARDEN, plant.id)
        .set_height_cm(Nullable::Value(45.0))
        .set_latin(Nullable::Absent)
        .notes(json!({"flowering": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.height_cm, Some(45.0));
    assert_eq!(changed.latin, None);
    assert_eq!(changed.notes, Some(json!({"flowering": false})));
    assert_eq!(
        gardener
            .plants()
            .get(GARDEN, plant.id)
            .send()
            .await
            .unwrap(),
        changed
    );
}

#[tokio::test]
async fn the_taxonomy_round_trips_as_a_recursive_model() {
    let base = start().await;
    let gardener = client(&base, "gardener-key");
    let plant = |name: &'static str, parent: Option<uuid::Uuid>| {
        let gardener = gardener.clone();
        async move {
            let request = gardener
                .plants()
                .create(GARDEN)
                .name(name)
                .set_parent_id(parent);
            created(request.send().await.unwrap())
        }
    };
    let family = plant("Nightshades", None).await;
    let tomato = plant("Tomato", Some(family.id)).await;
    let cherry = plant("Cherry tomato", Some(tomato.id)).await;
    let potato = plant("Potato", Some(family.id)).await;
    assert!(matches!(&cherry.parent, Nullable::Value(p) if p.id == tomato.id));

    let middle = gardener
        .plants()
        .get(GARDEN, tomato.id)
        .send()
        .await
        .unwrap();
    let Nullable::Value(parent) = &middle.parent else {
        panic!("Tomato has no parent: {middle:?}");
    };
    assert_eq!(parent.id, family.id);
    assert!(parent.parent.is_null());
    let children: Vec<_> = middle.children.iter().map(|c| c.id).collect();
    assert_eq!(children, [cherry.id]);
    // Below a plant, `parent` is left out: it is the plant above.
    assert!(middle.children[0].parent.is_absent());

    let top = gardener
        .plants()
        .get(GARDEN, family.id)
        .send()
        .await
        .unwrap();
    let tree: Vec<(&str, Vec<&str>)> = top
        .children
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.children.iter().map(|g| g.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        tree,
        [("Tomato", vec!["Cherry tomato"]), ("Potato", vec![])]
    );
    // The nested model survives a trip through JSON unchanged.
    let text = serde_json::to_string(&top).unwrap();
    assert_eq!(serde_json::from_str::<Plant>(&text).unwrap(), top);

    // Moving the cherry tomato under the potato, then to the top level (parent_id null).
    let moved = gardener
        .plants()
        .update(GARDEN, cherry.id)
        .parent_id(potato.id)
        .send()
        .await
        .unwrap();
    assert!(matches!(&moved.parent, Nullable::Value(p) if p.id == potato.id));
    let top_level = gardener
        .plants()
        .update(GARDEN, cherry.id)
        .parent_id_null()
        .send()
        .await
        .unwrap();
    assert!(top_level.parent.is_null());

    // A plant under its own offshoot would close a loop: refused, naming the field.
    let (status, body) = problem(
        gardener
            .plants()
            .update(GARDEN, family.id)
            .parent_id(tomato.id)
            .send()
            .await,
    );
    assert_eq!((status, body.field.as_deref()), (422, Some("parent_id")));
    assert_eq!(body.kind, ProblemKind::Invalid);
}

#[tokio::test]
async fn plants_page_by_limit_and_offset() {
    let base = start().await;
    let admin = client(&base, "admin-key");
    let names = ["Apple", "Bean", "Chard", "Dill", "Endive"];
    for (i, name) in names.into_iter().enumerate() {
        let season = if i % 2 == 0 {
            Season::Spring
        } else {
            Season::Autumn
        };
        admin
            .plants()
            .create(GARDEN)
            .name(name)
            .season(season)
            .send()
            .await
            .unwrap();
    }

    // The default page size is 2: three pages, streamed item by item.
    let all = admin
        .plants()
        .list(GARDEN)
        .items()
        .try_collect()
        .await
        .unwrap();
    let listed: Vec<_> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(listed, names);
    let pages = admin
        .plants()
        .list(GARDEN)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<_> = pages.iter().map(|p| (p.total, p.items.len())).collect();
    assert_eq!(sizes, [(5, 2), (5, 2), (5, 1)]);
    assert!(pages[0].previous.is_none() && pages[2].next.is_none());

    // One page in the middle, with its links, which keep `take` and the filters.
    let page = admin
        .plants()
        .list(GARDEN)
        .take(2)
        .skip(2)
        .send()
        .await
        .unwrap();
    let on_page: Vec<_> = page.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(on_page, ["Chard", "Dill"]);
    assert_eq!(
        page.next,
        Some(format!("{base}/v2/gardens/{GARDEN}/plants/?skip=4&take=2"))
    );
    assert_eq!(
        page.previous,
        Some(format!("{base}/v2/gardens/{GARDEN}/plants/?take=2"))
    );

    // Filters apply before paging, and `items()` follows the filtered pages.
    let spring = admin
        .plants()
        .list(GARDEN)
        .season(Season::Spring)
        .take(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    let spring: Vec<_> = spring.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(spring, ["Apple", "Chard", "Endive"]);
    let found = admin
        .plants()
        .list(GARDEN)
        .search("DIL")
        .send()
        .await
        .unwrap();
    assert_eq!((found.total, found.items[0].name.as_str()), (1, "Dill"));

    // A page size below 1 is a validation error naming the parameter (the document's `minimum`); one above the
    // most a page holds gives a full page, as Django REST framework's `max_limit` does.
    let (status, body) = problem(admin.plants().list(GARDEN).take(0).send().await);
    assert_eq!((status, body.field.as_deref()), (422, Some("take")));
    let (status, body) = problem(admin.plants().list(GARDEN).skip(-1).send().await);
    assert_eq!((status, body.field.as_deref()), (422, Some("skip")));
    let large = admin
        .plants()
        .list(GARDEN)
        .take(i64::MAX)
        .send()
        .await
        .unwrap();
    assert_eq!((large.total, large.items.len(), large.next), (5, 5, None));
}

#[tokio::test]
async fn sensors_page_by_number() {
    let base = start().await;
    let guest = client(&base, "guest-key");
    let sensors = guest
        .sensors()
        .list(GARDEN)
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = sensors.iter().map(|s| s.id).collect();
    let seeded: Vec<_> = (1..=SEEDED_SENSORS).map(seeded_sensor_id).collect();
    assert_eq!(ids, seeded);
    let pages = guest
        .sensors()
        .list(GARDEN)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<_> = pages.iter().map(|p| (p.count, p.results.len())).collect();
    assert_eq!(sizes, [(5, 2), (5, 2), (5, 1)]);

    let last = guest.sensors().list(GARDEN).p(3).send().await.unwrap();
    assert_eq!(last.next, None);
    assert_eq!(
        last.previous,
        Some(format!("{base}/v2/gardens/{GARDEN}/sensors/?p=2"))
    );
    let (status, body) = problem(guest.sensors().list(GARDEN).p(4).send().await);
    assert_eq!((status, body.kind), (404, ProblemKind::Missing));

    // Nested lists, a URI, an e-mail address and every status, known or not.
    let first = &sensors[0];
    assert_eq!(first.grid, Some(vec![vec![1, 2, 3], vec![4, 5, 6]]));
    assert_eq!(
        first.site.as_deref(),
        Some("https://garden.example.org/beds/1")
    );
    assert_eq!(first.owner.as_deref(), Some("keeper@garden.example.org"));
    assert_eq!(
        (sensors[1].grid.as_ref(), sensors[1].site.as_ref()),
        (None, None)
    );
    let statuses: Vec<_> = sensors.iter().map(|s| s.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            Some(SensorStatus::Ok),
            Some(SensorStatus::LowBattery),
            Some(SensorStatus::Offline),
            None,
            Some(SensorStatus::Unknown("calibrating".into())),
        ]
    );
}

#[tokio::test]
async fn an_open_enum_keeps_values_it_does_not_know() {
    let base = start().await;
    let sensors = client(&base, "guest-key")
        .sensors()
        .list(GARDEN)
        .p(3)
        .send()
        .await
        .unwrap();
    let calibrating = &sensors.results[0];
    assert_eq!(
        calibrating.status,
        Some(SensorStatus::Unknown("calibrating".into()))
    );
    // Sent back as written.
    let json = serde_json::to_value(calibrating).unwrap();
    assert_eq!(json["status"], "calibrating");
    // The same holds for the error kinds: a kind from a newer server decodes and re-encodes unchanged.
    let problem: garden_example::api::models::Problem =
        serde_json::from_value(json!({"kind": "teapot", "detail": "I am one.", "field": null}))
            .unwrap();
    assert_eq!(problem.kind, ProblemKind::Unknown("teapot".into()));
    assert_eq!(serde_json::to_value(&problem).unwrap()["kind"], "teapot");
}

#[tokio::test]
async fn readings_are_recorded_from_a_map_body() {
    let base = start().await;
    let guest = client(&base, "guest-key");
    let id = seeded_sensor_id(2);
    let body = IndexMap::from([
        ("moisture".to_owned(), vec![0.4, 0.45]),
        ("temperature".to_owned(), vec![18.5, 19.0, -2.25]),
    ]);
    let sensor = guest
        .sensors()
        .record(GARDEN, id, body)
        .send()
        .await
        .unwrap();
    assert_eq!(sensor.id, id);
    assert_eq!(sensor.readings["moisture"], [0.5, 0.4, 0.45]);
    assert_eq!(sensor.readings["temperature"], [18.5, 19.0, -2.25]);
    let again = IndexMap::from([("temperature".to_owned(), vec![20.0])]);
    let sensor = guest
        .sensors()
        .record(GARDEN, id, again)
        .send()
        .await
        .unwrap();
    assert_eq!(sensor.readings["temperature"], [18.5, 19.0, -2.25, 20.0]);

    let (status, body) = problem(
        guest
            .sensors()
            .record(GARDEN, uuid::Uuid::from_u128(7), IndexMap::new())
            .send()
            .await,
    );
    assert_eq!((status, body.kind), (404, ProblemKind::Missing));
}

#[tokio::test]
async fn harvest_takes_a_query_flag_and_an_integer_plot() {
    let base = start().await;
    let admin = client(&base, "admin-key");
    for (name, height) in [("Bean", Some(150.0)), ("Moss", None)] {
        admin
            .plants()
            .create(GARDEN)
            .name(name)
            .set_height_cm(height)
            .send()
            .await
            .unwrap();
    }
    let farmer = client(&base, "farmer-key");
    let dry = farmer
        .sensors()
        .harvest(GARDEN, 2)
        .dry_run(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        dry.weights,
        IndexMap::from([("Bean".to_owned(), 3.0), ("Moss".to_owned(), 0.0)])
    );
    assert_eq!(dry.message.as_deref(), Some("Dry run: nothing was picked."));
    // A dry run changes nothing, so the real harvest follows; then the plot is done.
    let real = farmer.sensors().harvest(GARDEN, 2).send().await.unwrap();
    assert_eq!(
        (real.weights, real.message.as_deref()),
        (dry.weights, Some("Plot 2 harvested."))
    );
    let (status, body) = notice(
        farmer
            .sensors()
            .harvest(GARDEN, 2)
            .dry_run(false)
            .send()
            .await,
    );
    assert_eq!(
        (status, body.notice.as_str()),
        (400, "Plot 2 was harvested already.")
    );
    let (status, body) = notice(farmer.sensors().harvest(GARDEN, -1).send().await);
    assert_eq!(status, 400);
    assert_eq!(
        body.notice,
        "There is no plot -1: plots are numbered 1 to 4."
    );
}

#[tokio::test]
async fn gardens_keep_their_own_plants() {
    let base = start().await;
    let admin = client(&base, "admin-key");
    admin
        .plants()
        .create("hillside")
        .name("Fern")
        .send()
        .await
        .unwrap();
    let here = admin.plants().list(GARDEN).send().await.unwrap();
    let there = admin.plants().list("hillside").send().await.unwrap();
    assert_eq!((here.total, there.total), (0, 1));
}
