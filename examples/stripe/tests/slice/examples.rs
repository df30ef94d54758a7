//! Stripe's own fixtures (tests/data, copied from stripe/openapi) decode into the generated models, directly and
//! through each union that holds them, and encode back to the same JSON.

use crate::common::{fixture, round_trip};
use stripe_slice::models::{
    BankAccount, Card, Customer, CustomerOrDeleted, CustomerTestClock, DeletedCustomer,
    DeletedPaymentSource, DeletedTrue, Discount, ExpandableCustomer, PaymentSource,
    PaymentSourceOrDeleted, Source, SourceType, TaxExempt, TestClock, TestClockStatus,
};
use stripe_slice::Nullable;

#[test]
fn the_customer_fixture_round_trips_alone_and_in_its_unions() {
    let value = fixture("customer.json");
    let customer: Customer = round_trip(&value);
    assert_eq!(
        (customer.id.as_str(), customer.created),
        ("cus_NZbFQAsc0ptasX", 1234567890)
    );
    assert_eq!(customer.tax_exempt, Nullable::Value(TaxExempt::None));
    assert_eq!(
        (customer.default_source.is_null(), customer.email.is_null()),
        (true, true)
    );
    assert_eq!(
        round_trip::<CustomerOrDeleted>(&value),
        CustomerOrDeleted::Customer(customer.clone())
    );
    assert_eq!(
        round_trip::<ExpandableCustomer>(&value),
        ExpandableCustomer::Customer(customer)
    );
}

#[test]
fn the_deleted_customer_fixture_is_the_deleted_variant() {
    let value = fixture("deleted_customer.json");
    let deleted: DeletedCustomer = round_trip(&value);
    assert_eq!(deleted.deleted, DeletedTrue::True);
    assert_eq!(
        round_trip::<CustomerOrDeleted>(&value),
        CustomerOrDeleted::Deleted(deleted.clone())
    );
    assert_eq!(
        round_trip::<ExpandableCustomer>(&value),
        ExpandableCustomer::Deleted(deleted)
    );
}

#[test]
fn the_payment_source_fixtures_are_the_variants_of_their_object() {
    let bank = fixture("bank_account.json");
    let decoded: BankAccount = round_trip(&bank);
    assert_eq!(
        round_trip::<PaymentSource>(&bank),
        PaymentSource::BankAccount(decoded)
    );
    let card = fixture("card.json");
    let decoded: Card = round_trip(&card);
    assert_eq!((decoded.exp_month, decoded.last4.as_str()), (8, "4242"));
    assert_eq!(
        round_trip::<PaymentSource>(&card),
        PaymentSource::Card(decoded)
    );
    let source = fixture("source.json");
    let decoded: Source = round_trip(&source);
    assert_eq!(decoded.r#type, SourceType::AchCreditTransfer);
    assert_eq!(
        round_trip::<PaymentSource>(&source),
        PaymentSource::Source(decoded.clone())
    );
    // Detaching a source answers the source: the detach union's second variant.
    assert_eq!(
        round_trip::<PaymentSourceOrDeleted>(&source),
        PaymentSourceOrDeleted::Source(PaymentSource::Source(decoded))
    );
}

#[test]
fn the_deleted_payment_source_fixture_is_a_deleted_bank_account() {
    let value = fixture("deleted_payment_source.json");
    let deleted: DeletedPaymentSource = round_trip(&value);
    assert!(
        matches!(&deleted, DeletedPaymentSource::BankAccount(b) if b.id == "ba_1MoS86LgUG5tbmjcngyXVmH5")
    );
    assert_eq!(
        round_trip::<PaymentSourceOrDeleted>(&value),
        PaymentSourceOrDeleted::Deleted(deleted)
    );
}

#[test]
fn the_discount_and_test_clock_fixtures_round_trip_with_their_expandable_fields() {
    let discount: Discount = round_trip(&fixture("discount.json"));
    // Not expanded: the customer is its id.
    assert_eq!(
        discount.customer,
        Nullable::Value(Box::new(ExpandableCustomer::Id(
            "cus_NZbFQAsc0ptasX".into()
        )))
    );
    assert_eq!(discount.coupon.percent_off, Nullable::Value(25.5));
    let value = fixture("test_clock.json");
    let clock: TestClock = round_trip(&value);
    assert_eq!(clock.status, TestClockStatus::Ready);
    assert_eq!(
        round_trip::<CustomerTestClock>(&value),
        CustomerTestClock::Expanded(clock)
    );
}
