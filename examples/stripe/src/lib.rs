//! The Stripe slice end to end: an in-memory Stripe on the server stubs generated from `spec/examples/stripe.yaml`
//! (crate `stripe_slice`, in `api/`), and [`serve`] to run it on a loopback port for the generated client.
//!
//! It behaves like api.stripe.com where the slice can tell: lists are newest first and paged by object ids
//! (`starting_after`, `ending_before`, `limit` up to 100, `has_more`), a deleted customer is still retrieved as
//! `{deleted: true}`, detaching a bank account or card deletes it while a detached source is `consumed`, and an
//! unknown id is the `resource_missing` error naming it, a create repeated with the same `Idempotency-Key` answers
//! the customer the first one made (nothing is created twice), an update's empty (`null`) value unsets a field and
//! its `metadata` is merged key by key, and every answer carries a `Request-Id` (a middleware: the generated server
//! leaves API-wide answer headers to the application). Its demo customer and sources are Stripe's own fixtures.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use stripe_slice::models::{
    ApiErrorType, ApiErrors, BankAccount, Card, CreatedFilter, Customer, CustomerCreateParams,
    CustomerDefaultSource, CustomerObject, CustomerOrDeleted, CustomerUpdateParams,
    DeletedBankAccount, DeletedCard, DeletedCustomer, DeletedPaymentSource, DeletedTrue, Error,
    InvoiceSettings, ListObject, PaginatedCustomerList, PaginatedPaymentSourceList, PaymentSource,
    PaymentSourceOrDeleted, Source, TaxExempt,
};
use stripe_slice::rt::{axum, serde_json};
use stripe_slice::server::{self, ApiError, Authenticate, Caller, RequestContext};
use stripe_slice::server::{
    CustomerSourcesApi, CustomerSourcesDetachHeaders, CustomerSourcesDetachResponse,
    CustomerSourcesListHeaders, CustomerSourcesListQuery, CustomerSourcesListResponse,
    CustomerSourcesRetrieveHeaders, CustomerSourcesRetrieveResponse, CustomersApi,
    CustomersCreateHeaders, CustomersCreateResponse, CustomersDeleteHeaders,
    CustomersDeleteResponse, CustomersListHeaders, CustomersListQuery, CustomersListResponse,
    CustomersRetrieveHeaders, CustomersRetrieveQuery, CustomersRetrieveResponse,
    CustomersUpdateHeaders, CustomersUpdateResponse,
};
use stripe_slice::Nullable;

/// The keys of [`Stripe::demo`]: a secret key may do everything; restricted keys hold their permissions.
pub const DEMO_KEYS: &[(&str, &[&str])] = &[
    ("sk_test_demo", &["*"]),
    ("rk_test_writer", &["rak_customer_write"]),
    ("rk_test_reader", &["rak_customer_read"]),
    ("rk_test_none", &[]),
];

/// The demo customer: Stripe's fixture `customer`, holding the fixtures `bank_account`, `card` and `source`.
pub const DEMO_CUSTOMER: &str = "cus_NZbFQAsc0ptasX";

/// The holder of an API key.
#[derive(Debug, Clone)]
pub struct KeyHolder {
    permissions: Vec<String>,
}

impl Caller for KeyHolder {
    fn has_scope(&self, scope: &str) -> bool {
        // A secret key (`sk_...`) is not restricted at all; the spec has no wildcard scope, so the caller says so.
        self.permissions.iter().any(|p| p == "*" || p == scope)
    }
}

/// The in-memory Stripe: every resource trait of the slice.
#[derive(Debug)]
pub struct Stripe {
    keys: HashMap<String, KeyHolder>,
    // A std mutex: never held across an `.await`, and every critical section is a few vector operations.
    account: Mutex<Account>,
}

/// One account's customers, newest last, with their sources.
#[derive(Debug, Default)]
struct Account {
    customers: Vec<Customer>,
    sources: HashMap<String, Vec<PaymentSource>>,
    deleted: Vec<String>,
    next_id: u32,
    /// The customer each `Idempotency-Key` of a create made, answered again when the key comes back.
    created_by_key: HashMap<String, Customer>,
}

/// Whether `time` is the one asked for, or lies in the range (every bound given must hold).
fn in_range(time: i64, filter: &CreatedFilter) -> bool {
    let range = match filter {
        CreatedFilter::Exactly(t) => return time == *t,
        CreatedFilter::Range(range) => range,
    };
    range.gt.map_or(true, |t| time > t)
        && range.gte.map_or(true, |t| time >= t)
        && range.lt.map_or(true, |t| time < t)
        && range.lte.map_or(true, |t| time <= t)
}

/// When this Stripe thinks it is (Unix seconds): answers name times, and tests must not depend on the clock.
const NOW: i64 = 1_679_588_741;

/// Stripe's fixture `file` (in `tests/data`), decoded.
fn fixture<T: stripe_slice::rt::serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("Stripe's fixtures decode (tests/examples.rs checks each)")
}

/// Stripe's `resource_missing` error for the object `kind` with `id`.
fn missing(kind: &str, id: &str) -> Error {
    Error {
        error: ApiErrors {
            r#type: ApiErrorType::InvalidRequestError,
            code: Some("resource_missing".to_owned()),
            decline_code: None,
            doc_url: Some("https://stripe.com/docs/error-codes/resource-missing".to_owned()),
            message: Some(format!("No such {kind}: '{id}'")),
            param: Nullable::Value("id".to_owned()),
            payment_method_type: None,
            request_log_url: None,
            charge: None,
            source: None,
        },
    }
}

/// The id of a payment source, whatever its kind.
fn source_id(source: &PaymentSource) -> Option<&str> {
    match source {
        PaymentSource::BankAccount(b) => Some(&b.id),
        PaymentSource::Card(c) => Some(&c.id),
        PaymentSource::Source(s) => Some(&s.id),
        PaymentSource::Unknown(value) => value.get("id").and_then(|id| id.as_str()),
    }
}

/// A page of `items` as Stripe pages them: after `starting_after` (or before `ending_before`), `limit` of them.
fn page<T: Clone>(
    items: &[T],
    id: impl Fn(&T) -> Option<&str>,
    starting_after: Option<&str>,
    ending_before: Option<&str>,
    limit: Option<i64>,
) -> Result<(Vec<T>, bool), ApiError> {
    // Stripe's default page is 10 objects, its largest 100.
    let limit = match limit {
        None => 10,
        Some(n) if (1..=100).contains(&n) => usize::try_from(n).unwrap_or(100),
        Some(n) => {
            return Err(ApiError::field(
                "limit",
                "parameter_invalid_integer",
                format!("This value must be between 1 and 100 (it was {n})."),
            ))
        }
    };
    let position = |cursor: &str, param: &'static str| {
        items
            .iter()
            .position(|item| id(item) == Some(cursor))
            .ok_or_else(|| {
                ApiError::field(
                    param,
                    "resource_missing",
                    format!("No such object: '{cursor}'"),
                )
            })
    };
    Ok(match (starting_after, ending_before) {
        (Some(after), _) => {
            let start = position(after, "starting_after")? + 1;
            let rest = &items[start..];
            (
                rest.iter().take(limit).cloned().collect(),
                rest.len() > limit,
            )
        }
        (None, Some(before)) => {
            let end = position(before, "ending_before")?;
            let start = end.saturating_sub(limit);
            (items[start..end].to_vec(), start > 0)
        }
        (None, None) => (
            items.iter().take(limit).cloned().collect(),
            items.len() > limit,
        ),
    })
}

impl Stripe {
    /// A Stripe accepting `keys` (key and permissions), with the demo customer and its three sources.
    pub fn new(keys: &[(&str, &[&str])]) -> Self {
        let keys = keys
            .iter()
            .map(|(key, permissions)| {
                let holder = KeyHolder {
                    permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
                };
                ((*key).to_owned(), holder)
            })
            .collect();
        let mut customer: Customer = fixture(include_str!("../tests/data/customer.json"));
        let bank: BankAccount = fixture(include_str!("../tests/data/bank_account.json"));
        let card: Card = fixture(include_str!("../tests/data/card.json"));
        let source: Source = fixture(include_str!("../tests/data/source.json"));
        customer.default_source =
            Nullable::Value(Box::new(CustomerDefaultSource::Id(bank.id.clone())));
        let mut account = Account::default();
        account.sources.insert(
            customer.id.clone(),
            vec![
                PaymentSource::BankAccount(bank),
                PaymentSource::Card(card),
                PaymentSource::Source(source),
            ],
        );
        account.customers.push(customer);
        Stripe {
            keys,
            account: Mutex::new(account),
        }
    }

    /// A Stripe accepting [`DEMO_KEYS`].
    pub fn demo() -> Self {
        Stripe::new(DEMO_KEYS)
    }

    fn with_account<R>(&self, f: impl FnOnce(&mut Account) -> R) -> R {
        // Every change is one vector operation, so a panic elsewhere cannot leave the account half-changed.
        f(&mut self.account.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Account {
    fn customer(&mut self, id: &str) -> Option<&mut Customer> {
        self.customers.iter_mut().find(|c| c.id == id)
    }

    /// A new customer as `POST /v1/customers` without parameters makes one.
    fn new_customer(&mut self) -> Customer {
        self.next_id += 1;
        Customer {
            id: format!("cus_fake{:010}", self.next_id),
            object: CustomerObject::Customer,
            address: Nullable::Null,
            balance: Some(0),
            created: NOW + i64::from(self.next_id),
            currency: Nullable::Null,
            default_source: Nullable::Null,
            delinquent: Nullable::Value(false),
            description: Nullable::Null,
            discount: Nullable::Null,
            email: Nullable::Null,
            invoice_credit_balance: None,
            invoice_prefix: Nullable::Value(format!("{:07X}", self.next_id)),
            invoice_settings: Some(InvoiceSettings {
                custom_fields: Nullable::Null,
                default_payment_method: Nullable::Null,
                footer: Nullable::Null,
                rendering_options: Nullable::Null,
            }),
            livemode: false,
            metadata: Some(Default::default()),
            name: Nullable::Null,
            next_invoice_sequence: Some(1),
            phone: Nullable::Null,
            preferred_locales: Nullable::Value(Vec::new()),
            shipping: Nullable::Null,
            sources: None,
            tax_exempt: Nullable::Value(TaxExempt::None),
            test_clock: Nullable::Null,
        }
    }
}

fn deleted_customer(id: &str) -> DeletedCustomer {
    DeletedCustomer {
        deleted: DeletedTrue::True,
        id: id.to_owned(),
        object: CustomerObject::Customer,
    }
}

impl Authenticate for Stripe {
    type Caller = KeyHolder;

    async fn authenticate(&self, key: &str) -> Option<KeyHolder> {
        self.keys.get(key).cloned()
    }
}

impl CustomersApi for Stripe {
    async fn list(
        &self,
        _ctx: RequestContext<KeyHolder>,
        query: CustomersListQuery,
        _headers: CustomersListHeaders,
    ) -> Result<CustomersListResponse, ApiError> {
        let (data, has_more) = self.with_account(|account| {
            let newest_first: Vec<Customer> = account
                .customers
                .iter()
                .rev()
                .filter(|c| {
                    query
                        .email
                        .as_ref()
                        .map_or(true, |e| c.email == Nullable::Value(e.clone()))
                })
                .filter(|c| {
                    query
                        .created
                        .as_ref()
                        .map_or(true, |r| in_range(c.created, r))
                })
                .filter(|c| query.test_clock.is_none() || !c.test_clock.is_null())
                .cloned()
                .collect();
            page(
                &newest_first,
                |c| Some(c.id.as_str()),
                query.starting_after.as_deref(),
                query.ending_before.as_deref(),
                query.limit,
            )
        })?;
        Ok(CustomersListResponse::Ok(PaginatedCustomerList {
            object: ListObject::List,
            has_more,
            url: "/v1/customers".to_owned(),
            data,
        }))
    }

    async fn create(
        &self,
        ctx: RequestContext<KeyHolder>,
        _headers: CustomersCreateHeaders,
        body: CustomerCreateParams,
    ) -> Result<CustomersCreateResponse, ApiError> {
        let key = ctx
            .headers()
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let customer = self.with_account(|account| {
            if let Some(made) = key.as_ref().and_then(|k| account.created_by_key.get(k)) {
                return made.clone();
            }
            let mut customer = account.new_customer();
            customer.address = body.address.clone().into();
            customer.balance = Some(body.balance.unwrap_or(0));
            customer.description = body.description.clone().into();
            customer.email = body.email.clone().into();
            customer.metadata = Some(body.metadata.clone().unwrap_or_default());
            customer.name = body.name.clone().into();
            customer.phone = body.phone.clone().into();
            if let Some(locales) = &body.preferred_locales {
                customer.preferred_locales = Nullable::Value(locales.clone());
            }
            if let Some(exempt) = &body.tax_exempt {
                customer.tax_exempt = Nullable::Value(*exempt);
            }
            account.customers.push(customer.clone());
            if let Some(key) = key {
                account.created_by_key.insert(key, customer.clone());
            }
            customer
        });
        Ok(CustomersCreateResponse::Ok(customer))
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        _query: CustomersRetrieveQuery,
        _headers: CustomersRetrieveHeaders,
    ) -> Result<CustomersRetrieveResponse, ApiError> {
        let found = self.with_account(|account| {
            if account.deleted.contains(&customer) {
                return Some(CustomerOrDeleted::Deleted(deleted_customer(&customer)));
            }
            account
                .customer(&customer)
                .map(|c| CustomerOrDeleted::Customer(c.clone()))
        });
        Ok(match found {
            Some(answer) => CustomersRetrieveResponse::Ok(answer),
            None => CustomersRetrieveResponse::Other(404, missing("customer", &customer)),
        })
    }

    async fn update(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        _headers: CustomersUpdateHeaders,
        body: CustomerUpdateParams,
    ) -> Result<CustomersUpdateResponse, ApiError> {
        let updated = self.with_account(|account| {
            let found = account.customer(&customer)?;
            apply(found, &body);
            Some(found.clone())
        });
        Ok(match updated {
            Some(found) => CustomersUpdateResponse::Ok(found),
            None => CustomersUpdateResponse::Other(404, missing("customer", &customer)),
        })
    }

    async fn delete(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        _headers: CustomersDeleteHeaders,
    ) -> Result<CustomersDeleteResponse, ApiError> {
        let deleted = self.with_account(|account| {
            let before = account.customers.len();
            account.customers.retain(|c| c.id != customer);
            let found = account.customers.len() < before;
            if found {
                account.sources.remove(&customer);
                account.deleted.push(customer.clone());
            }
            found
        });
        Ok(if deleted {
            CustomersDeleteResponse::Ok(deleted_customer(&customer))
        } else {
            CustomersDeleteResponse::Other(404, missing("customer", &customer))
        })
    }
}

/// An update's parameters applied as Stripe applies them: what is left out stays, an empty value (`null`) unsets,
/// `metadata` is merged key by key (an empty value removes that key, `null` every key).
fn apply(customer: &mut Customer, body: &CustomerUpdateParams) {
    fn set<T: Clone>(field: &mut Nullable<T>, value: &Nullable<T>) {
        if !matches!(value, Nullable::Absent) {
            *field = value.clone();
        }
    }
    set(&mut customer.address, &body.address);
    set(&mut customer.description, &body.description);
    set(&mut customer.email, &body.email);
    set(&mut customer.name, &body.name);
    set(&mut customer.phone, &body.phone);
    set(&mut customer.tax_exempt, &body.tax_exempt);
    if let Some(balance) = body.balance {
        customer.balance = Some(balance);
    }
    if let Some(locales) = &body.preferred_locales {
        customer.preferred_locales = Nullable::Value(locales.clone());
    }
    if let Some(source) = &body.default_source {
        customer.default_source =
            Nullable::Value(Box::new(CustomerDefaultSource::Id(source.clone())));
    }
    match &body.metadata {
        Nullable::Absent => {}
        Nullable::Null => customer.metadata = Some(Default::default()),
        Nullable::Value(changes) => {
            let metadata = customer.metadata.get_or_insert_with(Default::default);
            for (key, value) in changes {
                if value.is_empty() {
                    metadata.shift_remove(key);
                } else {
                    metadata.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

impl CustomerSourcesApi for Stripe {
    async fn list(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        query: CustomerSourcesListQuery,
        _headers: CustomerSourcesListHeaders,
    ) -> Result<CustomerSourcesListResponse, ApiError> {
        let sources = self.with_account(|account| account.sources.get(&customer).cloned());
        let Some(sources) = sources else {
            return Ok(CustomerSourcesListResponse::Other(
                404,
                missing("customer", &customer),
            ));
        };
        let kind = |s: &PaymentSource| match s {
            PaymentSource::BankAccount(_) => "bank_account",
            PaymentSource::Card(_) => "card",
            PaymentSource::Source(_) => "source",
            PaymentSource::Unknown(_) => "",
        };
        let chosen: Vec<PaymentSource> = sources
            .into_iter()
            .filter(|s| query.object.as_deref().map_or(true, |o| kind(s) == o))
            .collect();
        let (data, has_more) = page(
            &chosen,
            source_id,
            query.starting_after.as_deref(),
            query.ending_before.as_deref(),
            query.limit,
        )?;
        Ok(CustomerSourcesListResponse::Ok(
            PaginatedPaymentSourceList {
                object: ListObject::List,
                has_more,
                url: format!("/v1/customers/{customer}/sources"),
                data,
            },
        ))
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        id: String,
        _headers: CustomerSourcesRetrieveHeaders,
    ) -> Result<CustomerSourcesRetrieveResponse, ApiError> {
        let found = self.with_account(|account| {
            account
                .sources
                .get(&customer)?
                .iter()
                .find(|s| source_id(s) == Some(id.as_str()))
                .cloned()
        });
        Ok(match found {
            Some(source) => CustomerSourcesRetrieveResponse::Ok(source),
            None => CustomerSourcesRetrieveResponse::Other(404, missing("source", &id)),
        })
    }

    async fn detach(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        id: String,
        _headers: CustomerSourcesDetachHeaders,
    ) -> Result<CustomerSourcesDetachResponse, ApiError> {
        let detached = self.with_account(|account| {
            let sources = account.sources.get_mut(&customer)?;
            let at = sources.iter().position(|s| source_id(s) == Some(id.as_str()))?;
            let source = sources.remove(at);
            if let Some(owner) = account.customer(&customer) {
                if matches!(owner.default_source.as_ref(), Nullable::Value(d) if matches!(&**d, CustomerDefaultSource::Id(x) if *x == id)) {
                    owner.default_source = Nullable::Null;
                }
            }
            Some(source)
        });
        let Some(source) = detached else {
            return Ok(CustomerSourcesDetachResponse::Other(
                404,
                missing("source", &id),
            ));
        };
        // Bank accounts and cards are deleted; a source stays, consumed.
        let answer = match source {
            PaymentSource::BankAccount(bank) => PaymentSourceOrDeleted::Deleted(
                DeletedPaymentSource::BankAccount(DeletedBankAccount {
                    deleted: DeletedTrue::True,
                    id: bank.id,
                    object: bank.object,
                    currency: Nullable::Value(bank.currency),
                }),
            ),
            PaymentSource::Card(card) => {
                PaymentSourceOrDeleted::Deleted(DeletedPaymentSource::Card(DeletedCard {
                    deleted: DeletedTrue::True,
                    id: card.id,
                    object: card.object,
                    currency: card.currency,
                }))
            }
            PaymentSource::Source(mut source) => {
                source.status = "consumed".to_owned();
                PaymentSourceOrDeleted::Source(PaymentSource::Source(source))
            }
            unknown @ PaymentSource::Unknown(_) => PaymentSourceOrDeleted::Source(unknown),
        };
        Ok(CustomerSourcesDetachResponse::Ok(answer))
    }
}

/// The generated router serving `stripe`, every answer carrying a `Request-Id` as Stripe's do (`req_` and a number
/// counting up, so tests can tell answers apart).
pub fn app(stripe: Stripe) -> axum::Router {
    let requests = Arc::new(AtomicU64::new(0));
    server::router(stripe).layer(axum::middleware::map_response(
        move |mut response: axum::response::Response| {
            let n = requests.fetch_add(1, Ordering::Relaxed) + 1;
            async move {
                if let Ok(id) = axum::http::HeaderValue::from_str(&format!("req_fake{n:010}")) {
                    response.headers_mut().insert("request-id", id);
                }
                response
            }
        },
    ))
}

/// Serves `stripe` on an ephemeral port of 127.0.0.1 in a background task and returns its address. The task runs
/// until the runtime that spawned it shuts down (in tests: the end of the test).
pub async fn serve(stripe: Stripe) -> std::io::Result<SocketAddr> {
    serve_app(app(stripe)).await
}

/// Serves `app` (the fake's router, perhaps wrapped in a test's own layers) as [`serve`] does.
pub async fn serve_app(app: axum::Router) -> std::io::Result<SocketAddr> {
    slice_testkit::serve(app, "stripe fake").await
}
