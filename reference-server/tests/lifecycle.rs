//! The server stops when asked: requests in flight finish, then `serve` returns.

use reference_server::{Config, TokenSpec};

#[tokio::test]
async fn serve_returns_after_shutdown() {
    let config = Config {
        tokens: vec!["k=*".parse::<TokenSpec>().unwrap()],
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        reference_server::serve(listener, &config, async {
            let _ = stopped.await;
        })
        .await
    });
    let response = reqwest::Client::new()
        .get(format!("{base}/api/projects/1/insight_variables/"))
        .bearer_auth("k")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    // Nothing listens any more.
    let refused = reqwest::Client::new()
        .get(format!("{base}/api/projects/1/insight_variables/"))
        .send()
        .await;
    assert!(refused.is_err());
}
