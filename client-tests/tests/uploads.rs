//! The uploads fixture (`spec/uploads.yaml`), client and server both generated at build time, one against the other
//! on 127.0.0.1: a `list<binary>` field travels as one file part per file, and the server hands the handler every
//! part of that name, in order; a required list needs at least one part.

#[allow(dead_code, unused_imports)]
mod uploads {
    include!(concat!(env!("OUT_DIR"), "/uploads.rs"));
}

use apigen_runtime::{axum, File};
use uploads::client::{Client, Error};
use uploads::models::{Document, Received};
use uploads::server::{router, ApiError, DocumentsApi, RequestContext};

struct Shelf;

impl DocumentsApi for Shelf {
    async fn upload(
        &self,
        _ctx: RequestContext<()>,
        body: Document,
    ) -> Result<uploads::server::DocumentsUploadResponse, ApiError> {
        let describe = |part: &str, file: File| {
            let name = file.file_name().unwrap_or_default().to_owned();
            let bytes = file.into_bytes().map_or(0, |b| b.len());
            format!("{part}:{name}:{bytes}")
        };
        let mut files = vec![describe("cover", body.cover)];
        files.extend(body.pages.into_iter().map(|f| describe("pages", f)));
        files.extend(
            body.appendices
                .into_iter()
                .flatten()
                .map(|f| describe("appendices", f)),
        );
        Ok(uploads::server::DocumentsUploadResponse::Created(
            Received {
                title: body.title,
                files,
            },
        ))
    }
}

async fn start() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("127.0.0.1 has a free port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, router(Shelf)).await });
    Client::new(format!("http://{address}")).expect("a valid base URL")
}

fn file(name: &str, bytes: usize) -> File {
    File::from_bytes(vec![b'x'; bytes]).with_file_name(name)
}

#[tokio::test]
async fn every_file_of_a_list_field_arrives_in_order() {
    let client = start().await;
    let received = client
        .documents()
        .upload()
        .title("Report")
        .cover(file("cover.pdf", 3))
        .pages([file("1.pdf", 10), file("2.pdf", 20)])
        .pages([file("3.pdf", 30)])
        .appendices(vec![file("a.csv", 5)])
        .send()
        .await
        .expect("uploaded");
    assert_eq!(received.title, "Report");
    assert_eq!(
        received.files,
        [
            "cover:cover.pdf:3",
            "pages:1.pdf:10",
            "pages:2.pdf:20",
            "pages:3.pdf:30",
            "appendices:a.csv:5"
        ]
    );

    // The optional list left out is no parts at all; the whole body set at once sends the same parts.
    let received = client
        .documents()
        .upload()
        .body(Document {
            cover: file("c.pdf", 1),
            pages: vec![file("only.pdf", 2)],
            appendices: None,
            title: "Short".into(),
        })
        .send()
        .await
        .expect("uploaded");
    assert_eq!(received.files, ["cover:c.pdf:1", "pages:only.pdf:2"]);
}

#[tokio::test]
async fn a_required_list_of_files_needs_one_part() {
    let client = start().await;
    let refused = client
        .documents()
        .upload()
        .title("Empty")
        .cover(file("cover.pdf", 3))
        .send()
        .await;
    match refused {
        Err(Error::Api(error)) => {
            assert_eq!(error.status.as_u16(), 400);
            let uploads::client::ApiErrorBody::Problem(problem) = error.body else {
                panic!("not the API's validation body: {:?}", error.body);
            };
            assert_eq!(problem.attr, uploads::Nullable::Value("pages".to_owned()));
        }
        other => panic!("expected the validation answer, got {other:?}"),
    }
}
