//! Every union of the Stripe slice: each variant round-trips (Stripe's fixtures where there is one); the open union
//! (`PaymentSource`, by `object`, as Stripe adds kinds of sources) keeps an unknown kind as raw JSON, wherever it is
//! held (a customer's `default_source`, its `sources` list, a detach answer); the closed ones (`DeletedPaymentSource`
//! by `object`, and the untagged expandable fields and deleted-or-live unions) refuse a value of no variant with an
//! error naming the tag or each variant tried.
//!
//! No request body of the slice takes a union (Stripe's create and update parameters are form fields of strings,
//! integers, enums and maps), so the server side is tested with what its bodies have: an unknown value of a closed
//! enum in a form body is Stripe's 400 naming the parameter, never a 500.

use crate::common::{fixture, start};
use slice_testkit::{refused, round_trip, variant};
use stripe_slice::models::{
    ApiErrors, CustomerDefaultSource, CustomerOrDeleted, CustomerTestClock, DeletedPaymentSource,
    ExpandableCustomer, PaymentSource, PaymentSourceList, PaymentSourceOrDeleted,
};
use stripe_slice::rt::reqwest;
use stripe_slice::rt::serde_json::{self, json, Value};

/// A kind of payment source this slice does not list (Stripe's `ach_credit_transfer` receivers and such come and
/// go), as Stripe would send it.
fn unknown_source() -> Value {
    json!({"id": "src_unknown1", "object": "wechat_pay_receiver", "customer": "cus_NZbFQAsc0ptasX", "livemode": false})
}

#[test]
fn a_payment_source_of_an_unknown_object_is_kept_as_sent() {
    for (name, tag) in [
        ("bank_account.json", "bank_account"),
        ("card.json", "card"),
        ("source.json", "source"),
    ] {
        let source: PaymentSource = round_trip(&fixture(name));
        assert_eq!(source.tag(), Some(tag));
        assert!(!matches!(source, PaymentSource::Unknown(_)), "{name}");
    }
    let kept: PaymentSource = round_trip(&unknown_source());
    assert_eq!(kept, PaymentSource::Unknown(unknown_source()));
    assert_eq!(kept.tag(), Some("wechat_pay_receiver"));
    // A known `object` with a body that does not fit is refused, not kept as unknown, naming what is missing and the
    // variant it was read as; so is a source without an `object`.
    refused::<PaymentSource>(
        json!({"id": "card_1", "object": "card"}),
        &[
            "missing field `brand`",
            "`object: card` variant of PaymentSource",
        ],
    );
    refused::<PaymentSource>(json!({"id": "card_1"}), &["object"]);
}

#[test]
fn an_unknown_source_is_kept_inside_a_customer_and_a_list() {
    let mut customer = fixture("customer.json");
    customer["default_source"] = unknown_source();
    customer["sources"] = json!({
        "object": "list",
        "has_more": false,
        "url": "/v1/customers/cus_NZbFQAsc0ptasX/sources",
        "data": [fixture("card.json"), unknown_source()]
    });
    let decoded: CustomerOrDeleted = round_trip(&customer);
    let CustomerOrDeleted::Customer(customer) = decoded else {
        panic!("not a live customer: {decoded:?}")
    };
    assert_eq!(
        customer.default_source.value().map(|s| *s),
        Some(CustomerDefaultSource::Expanded(PaymentSource::Unknown(
            unknown_source()
        )))
    );
    let sources: &PaymentSourceList = customer.sources.as_ref().expect("expanded");
    assert!(matches!(
        &sources.data[..],
        [PaymentSource::Card(_), PaymentSource::Unknown(_)]
    ));
}

#[test]
fn an_expandable_field_is_an_id_or_the_object() {
    variant(
        json!("card_1MoRxGLgUG5tbmjcfQwEkNkb"),
        CustomerDefaultSource::Id("card_1MoRxGLgUG5tbmjcfQwEkNkb".into()),
    );
    let card = fixture("card.json");
    variant(
        card.clone(),
        CustomerDefaultSource::Expanded(serde_json::from_value(card).unwrap()),
    );
    refused::<CustomerDefaultSource>(json!(42), &["Id", "Expanded"]);

    variant(
        json!("clock_1MoqxNLgUG5tbmjcYCrjEyOp"),
        CustomerTestClock::Id("clock_1MoqxNLgUG5tbmjcYCrjEyOp".into()),
    );
    let clock = fixture("test_clock.json");
    variant(
        clock.clone(),
        CustomerTestClock::Expanded(serde_json::from_value(clock).unwrap()),
    );
    // Closed: a clock object missing what a clock has fits neither form.
    refused::<CustomerTestClock>(
        json!({"id": "clock_1", "object": "test_helpers.test_clock"}),
        &["Id", "Expanded"],
    );

    variant(
        json!("cus_NZbFQAsc0ptasX"),
        ExpandableCustomer::Id("cus_NZbFQAsc0ptasX".into()),
    );
    let live: ExpandableCustomer = round_trip(&fixture("customer.json"));
    assert!(matches!(live, ExpandableCustomer::Customer(_)));
    let deleted: ExpandableCustomer = round_trip(&fixture("deleted_customer.json"));
    assert!(matches!(deleted, ExpandableCustomer::Deleted(_)));
    refused::<ExpandableCustomer>(
        json!({"id": "cus_1", "object": "customer"}),
        &["Id", "Customer", "Deleted"],
    );
}

#[test]
fn a_customer_is_live_or_deleted() {
    let live: CustomerOrDeleted = round_trip(&fixture("customer.json"));
    assert!(matches!(live, CustomerOrDeleted::Customer(_)));
    let deleted: CustomerOrDeleted = round_trip(&fixture("deleted_customer.json"));
    assert!(matches!(deleted, CustomerOrDeleted::Deleted(_)));
    // `deleted` is always `true`: `false` fits neither.
    refused::<CustomerOrDeleted>(
        json!({"deleted": false, "id": "cus_1", "object": "customer"}),
        &["Customer", "Deleted"],
    );
}

#[test]
fn a_deleted_payment_source_is_a_bank_account_or_a_card_and_nothing_else() {
    let bank: DeletedPaymentSource = round_trip(&fixture("deleted_payment_source.json"));
    assert_eq!(bank.tag(), Some("bank_account"));
    let card: DeletedPaymentSource =
        round_trip(&json!({"deleted": true, "id": "card_1", "object": "card", "currency": "usd"}));
    assert!(matches!(card, DeletedPaymentSource::Card(ref c) if c.id == "card_1"));
    // Closed: an unknown `object` fails, naming the tag and the kinds it knows.
    refused::<DeletedPaymentSource>(
        json!({"deleted": true, "id": "src_1", "object": "source"}),
        &["source", "object", "bank_account", "card"],
    );
}

#[test]
fn a_detach_answer_is_the_deleted_source_or_the_source() {
    let deleted: PaymentSourceOrDeleted = round_trip(&fixture("deleted_payment_source.json"));
    assert!(matches!(
        deleted,
        PaymentSourceOrDeleted::Deleted(DeletedPaymentSource::BankAccount(_))
    ));
    let source: PaymentSourceOrDeleted = round_trip(&fixture("source.json"));
    assert!(matches!(
        source,
        PaymentSourceOrDeleted::Source(PaymentSource::Source(_))
    ));
    // A live source of an unknown kind is the open union's unknown variant.
    let kept: PaymentSourceOrDeleted = round_trip(&unknown_source());
    assert_eq!(
        kept,
        PaymentSourceOrDeleted::Source(PaymentSource::Unknown(unknown_source()))
    );
    // So is a deleted one: the closed deleted union refuses its `object`, and the open one keeps it; the value is
    // not lost, but it is not told apart from a live source either.
    let gone = json!({"deleted": true, "id": "src_1", "object": "wechat_pay_receiver"});
    let kept: PaymentSourceOrDeleted = round_trip(&gone);
    assert_eq!(
        kept,
        PaymentSourceOrDeleted::Source(PaymentSource::Unknown(gone))
    );
    // Without a string `object`, nothing fits.
    refused::<PaymentSourceOrDeleted>(json!({"id": "src_1"}), &["Deleted", "Source"]);
}

/// Posts the form `body` to `path` with the demo secret key, as the typed client would not send it; answers the
/// status and Stripe's `error` object.
async fn form(path: &str, body: &str) -> (u16, ApiErrors) {
    let base = start().await;
    let answer = reqwest::Client::new()
        .post(format!("{base}/v1{path}"))
        .bearer_auth("sk_test_demo")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .expect("the fake answers");
    let status = answer.status().as_u16();
    let text = answer.text().await.expect("a body");
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}"));
    let error = serde_json::from_value(body["error"].clone())
        .unwrap_or_else(|e| panic!("{status} {text}: {e}"));
    (status, error)
}

#[tokio::test]
async fn the_server_refuses_an_unknown_value_in_a_form_body_naming_the_parameter() {
    for (path, body, param) in [
        (
            "/customers",
            "name=Jenny&tax_exempt=sometimes",
            "tax_exempt",
        ),
        (
            "/customers/cus_NZbFQAsc0ptasX",
            "tax_exempt=sometimes",
            "tax_exempt",
        ),
        ("/customers", "balance=lots", "balance"),
    ] {
        let (status, error) = form(path, body).await;
        assert_eq!(status, 400, "{body} → {error:?}");
        assert_eq!(
            error.param.clone().value().as_deref(),
            Some(param),
            "{body} → {error:?}"
        );
    }
}
