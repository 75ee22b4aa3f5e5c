//! A local AWS Lambda runtime API (the interface a custom runtime's `bootstrap` polls): events
//! handed out on `invocation/next`, the function's `response` / `error` posts collected, as the
//! Lambda service does for one function instance.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How the function answered one invocation: `"response"` or `"error"`, and the JSON it posted.
pub type Answer = (String, Value);

#[derive(Default)]
struct State {
    events: Mutex<VecDeque<(String, Value)>>,
    answers: Mutex<HashMap<String, Answer>>,
    init_errors: Mutex<Vec<Value>>,
    /// Function instances waiting on `invocation/next` right now.
    polling: Mutex<usize>,
}

pub struct RuntimeApi {
    state: Arc<State>,
    /// `host:port`, for `AWS_LAMBDA_RUNTIME_API`.
    pub addr: String,
    next_id: Mutex<u64>,
    _rt: tokio::runtime::Runtime,
}

impl RuntimeApi {
    pub fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("local addr").to_string();
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        rt.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = Arc::clone(&state);
                        async move { route(&state, req).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        RuntimeApi {
            state,
            addr,
            next_id: Mutex::new(0),
            _rt: rt,
        }
    }

    /// Waits until `n` function instances are polling for an invocation.
    pub fn wait_for_instances(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while *self.state.polling.lock().expect("lock") < n {
            assert!(Instant::now() < deadline, "{n} instances never polled");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Hands `event` to the function and waits for its answer.
    pub fn invoke(&self, event: Value) -> Answer {
        self.invoke_all(vec![event]).remove(0)
    }

    /// Hands out all `events` at once (to as many function instances as poll) and waits for
    /// every answer, in the order given.
    pub fn invoke_all(&self, events: Vec<Value>) -> Vec<Answer> {
        let ids: Vec<String> = events
            .into_iter()
            .map(|event| {
                let id = {
                    let mut n = self.next_id.lock().expect("lock");
                    *n += 1;
                    format!("request-{n}")
                };
                self.state
                    .events
                    .lock()
                    .expect("lock")
                    .push_back((id.clone(), event));
                id
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(240);
        let mut answers: Vec<Option<Answer>> = vec![None; ids.len()];
        while answers.iter().any(Option::is_none) {
            for (id, slot) in ids.iter().zip(answers.iter_mut()) {
                if slot.is_none() {
                    *slot = self.state.answers.lock().expect("lock").remove(id);
                }
            }
            let init = self.state.init_errors.lock().expect("lock").clone();
            assert!(init.is_empty(), "the function failed to start: {init:?}");
            assert!(Instant::now() < deadline, "no answer to {ids:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
        answers.into_iter().flatten().collect()
    }
}

async fn route(state: &State, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let posted: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let reply = |code: StatusCode, body: String| {
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = code;
        Ok(r)
    };
    let Some(rest) = path.strip_prefix("/2018-06-01/runtime/") else {
        return reply(StatusCode::NOT_FOUND, String::new());
    };
    match (method, rest) {
        (Method::GET, "invocation/next") => loop {
            let next = state.events.lock().expect("lock").pop_front();
            *state.polling.lock().expect("lock") += usize::from(next.is_none());
            if next.is_none() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            *state.polling.lock().expect("lock") -= usize::from(next.is_none());
            if let Some((id, event)) = next {
                let deadline = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_millis() + 300_000)
                    .unwrap_or_default();
                let mut r = Response::new(Full::new(Bytes::from(event.to_string())));
                let h = r.headers_mut();
                let fixed = [
                    ("lambda-runtime-aws-request-id", id),
                    ("lambda-runtime-deadline-ms", deadline.to_string()),
                    (
                        "lambda-runtime-invoked-function-arn",
                        "arn:aws:lambda:eu-west-1:123456789012:function:facectl".into(),
                    ),
                    (
                        "lambda-runtime-trace-id",
                        "Root=1-67000000-000000000000000000000000".into(),
                    ),
                ];
                for (k, v) in fixed {
                    if let Ok(v) = v.parse() {
                        h.insert(k, v);
                    }
                }
                return Ok(r);
            }
        },
        (Method::POST, "init/error") => {
            state.init_errors.lock().expect("lock").push(posted);
            reply(StatusCode::ACCEPTED, "{}".into())
        }
        (Method::POST, r) => match r
            .strip_prefix("invocation/")
            .and_then(|r| r.split_once('/'))
        {
            Some((id, kind @ ("response" | "error"))) => {
                state
                    .answers
                    .lock()
                    .expect("lock")
                    .insert(id.to_string(), (kind.to_string(), posted));
                reply(StatusCode::ACCEPTED, "{}".into())
            }
            _ => reply(StatusCode::NOT_FOUND, String::new()),
        },
        _ => reply(StatusCode::NOT_FOUND, String::new()),
    }
}
