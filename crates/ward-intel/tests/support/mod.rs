//! A loopback HTTP server for feed downloads, with conditional requests and faults.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;

/// What the server answers for one path.
#[derive(Clone)]
pub enum Route {
    /// The file, with an `ETag`; `If-None-Match` with that tag gets `304`.
    File { body: Vec<u8>, etag: String },
    /// Announces the full length, sends half the body, then closes the connection.
    Truncated { body: Vec<u8>, etag: String },
}

impl Route {
    pub fn file(body: Vec<u8>, etag: &str) -> Route {
        Route::File {
            body,
            etag: etag.to_owned(),
        }
    }
}

#[derive(Default)]
struct ServerState {
    routes: Mutex<HashMap<String, Route>>,
    failures: Mutex<HashMap<String, usize>>,
    bodies_sent: AtomicUsize,
}

/// A server on 127.0.0.1 running on its own thread until dropped.
pub struct FeedServer {
    address: std::net::SocketAddr,
    state: Arc<ServerState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FeedServer {
    pub fn start() -> FeedServer {
        let state = Arc::new(ServerState::default());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();

        let app = axum::Router::new()
            .fallback(serve)
            .with_state(state.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });

        FeedServer {
            address,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn set(&self, path: &str, route: Route) {
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), route);
    }

    /// Makes the next `count` requests for `path` answer `503`.
    pub fn fail_next(&self, path: &str, count: usize) {
        self.state
            .failures
            .lock()
            .unwrap()
            .insert(path.to_owned(), count);
    }

    /// Number of `200` responses sent so far.
    pub fn bodies_sent(&self) -> usize {
        self.state.bodies_sent.load(Ordering::SeqCst)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(State(state): State<Arc<ServerState>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_owned();
    {
        let mut failures = state.failures.lock().unwrap();
        if let Some(remaining) = failures.get_mut(&path).filter(|remaining| **remaining > 0) {
            *remaining -= 1;
            return status(StatusCode::SERVICE_UNAVAILABLE);
        }
    }
    let route = state.routes.lock().unwrap().get(&path).cloned();
    let Some(route) = route else {
        return status(StatusCode::NOT_FOUND);
    };

    let (body, etag, truncated) = match route {
        Route::File { body, etag } => (body, etag, false),
        Route::Truncated { body, etag } => (body, etag, true),
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value == etag);
    if matches {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .body(Body::empty())
            .unwrap();
    }

    state.bodies_sent.fetch_add(1, Ordering::SeqCst);
    let length = body.len();
    let body = if truncated {
        let half = body[..length / 2].to_vec();
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
            Ok(half),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "cut off",
            )),
        ];
        Body::from_stream(futures_util::stream::iter(chunks))
    } else {
        Body::from(body)
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::ETAG, etag)
        .header(header::LAST_MODIFIED, "Fri, 02 Jan 2026 10:00:00 GMT")
        .header(header::CONTENT_LENGTH, length)
        .body(body)
        .unwrap()
}

fn status(code: StatusCode) -> Response {
    Response::builder()
        .status(code)
        .body(Body::empty())
        .unwrap()
}
