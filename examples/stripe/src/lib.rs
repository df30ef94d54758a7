//! The Stripe slice end to end: an in-memory Stripe on the server stubs generated from `spec/examples/stripe.yaml`
//! (crate `stripe_slice`, in `api/`), and [`serve`] to run it on a loopback port for the generated client.
//!
//! It behaves like api.stripe.com where the slice can tell: lists are newest first and paged by object ids
//! (`starting_after`, `ending_before`, `limit` up to 100, `has_more`), a deleted customer is still retrieved as
//! `{deleted: true}`, detaching a bank account or card deletes it while a detached source is `consumed`, and an
//! unknown id is the `resource_missing` error naming it. Its demo customer and sources are Stripe's own fixtures.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use stripe_slice::models::{
    ApiErrorType, ApiErrors, BankAccount, Card, Customer, CustomerDefaultSource, CustomerList,
    CustomerObject, CustomerOrDeleted, DeletedBankAccount, DeletedCard, DeletedCustomer,
    DeletedPaymentSource, DeletedTrue, Error, InvoiceSettings, ListObject, PaymentSource,
    PaymentSourceList, PaymentSourceOrDeleted, Source, TaxExempt,
};
use stripe_slice::rt::{axum, serde_json};
use stripe_slice::server::{self, ApiError, Authenticate, Caller, RequestContext};
use stripe_slice::server::{
    CustomerSourcesApi, CustomerSourcesDetachResponse, CustomerSourcesListQuery,
    CustomerSourcesListResponse, CustomerSourcesRetrieveResponse, CustomersApi,
    CustomersCreateResponse, CustomersDeleteResponse, CustomersListQuery, CustomersListResponse,
    CustomersRetrieveResponse, CustomersUpdateResponse,
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
    limit: i64,
) -> Result<(Vec<T>, bool), ApiError> {
    // The router enforced `limit` in 1..=100.
    let limit = usize::try_from(limit).unwrap_or(100);
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
                .filter(|c| query.created.map_or(true, |t| c.created == t))
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
        Ok(CustomersListResponse::Ok(CustomerList {
            object: ListObject::List,
            has_more,
            url: "/v1/customers".to_owned(),
            data,
        }))
    }

    async fn create(
        &self,
        _ctx: RequestContext<KeyHolder>,
    ) -> Result<CustomersCreateResponse, ApiError> {
        let customer = self.with_account(|account| {
            let customer = account.new_customer();
            account.customers.push(customer.clone());
            customer
        });
        Ok(CustomersCreateResponse::Ok(customer))
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
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
            None => CustomersRetrieveResponse::NotFound(missing("customer", &customer)),
        })
    }

    async fn update(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
    ) -> Result<CustomersUpdateResponse, ApiError> {
        // Without parameters (the form body is out of the slice) an update changes nothing and answers the customer.
        Ok(
            match self.with_account(|account| account.customer(&customer).cloned()) {
                Some(found) => CustomersUpdateResponse::Ok(found),
                None => CustomersUpdateResponse::NotFound(missing("customer", &customer)),
            },
        )
    }

    async fn delete(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
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
            CustomersDeleteResponse::NotFound(missing("customer", &customer))
        })
    }
}

impl CustomerSourcesApi for Stripe {
    async fn list(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        query: CustomerSourcesListQuery,
    ) -> Result<CustomerSourcesListResponse, ApiError> {
        let sources = self.with_account(|account| account.sources.get(&customer).cloned());
        let Some(sources) = sources else {
            return Ok(CustomerSourcesListResponse::NotFound(missing(
                "customer", &customer,
            )));
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
        Ok(CustomerSourcesListResponse::Ok(PaymentSourceList {
            object: ListObject::List,
            has_more,
            url: format!("/v1/customers/{customer}/sources"),
            data,
        }))
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        id: String,
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
            None => CustomerSourcesRetrieveResponse::NotFound(missing("source", &id)),
        })
    }

    async fn detach(
        &self,
        _ctx: RequestContext<KeyHolder>,
        customer: String,
        id: String,
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
            return Ok(CustomerSourcesDetachResponse::NotFound(missing(
                "source", &id,
            )));
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

/// The generated router serving `stripe`.
pub fn app(stripe: Stripe) -> axum::Router {
    server::router(stripe)
}

/// Serves `stripe` on an ephemeral port of 127.0.0.1 in a background task and returns its address. The task runs
/// until the runtime that spawned it shuts down (in tests: the end of the test).
pub async fn serve(stripe: Stripe) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let address = listener.local_addr()?;
    let app = app(stripe);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("stripe fake stopped: {error}");
        }
    });
    Ok(address)
}
