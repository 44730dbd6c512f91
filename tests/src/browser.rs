//! A headless Chromium driven over the Chrome DevTools Protocol, for tests that use the web
//! application as a person does: typing (as a keyboard-wedge scanner types), clicking, reading
//! the page, taking screenshots, and recording every request the page makes.
//!
//! The protocol is spoken directly over one WebSocket (a few commands of the `Target`, `Page`,
//! `Runtime`, `Input` and `Network` domains), so the tests need Debian's `chromium` and nothing
//! else: no browser download, no generated protocol crate. Written by hand because the CDP
//! crates of the field (chromiumoxide, headless_chrome) build their generated protocol bindings,
//! the whole of CDP, which costs CI minutes on two cores for the handful of commands used here.
//! Chromium runs with a fresh profile and every background network feature off, so any request
//! it makes is the page's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use crate::TestServer;

/// Where Debian installs Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;

/// A running headless Chromium with one page.
pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    outgoing: mpsc::UnboundedSender<Message>,
    pending: Pending,
    next_id: AtomicU64,
    session_id: String,
    /// The URL of every request the page made, in order.
    requests: Arc<Mutex<Vec<String>>>,
}

impl Browser {
    /// Starts Chromium with a fresh profile and opens one blank page with network events on.
    pub async fn launch() -> Self {
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--no-default-browser-check",
                "--window-size=1280,1000",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("chromium starts (apt-get install chromium)");
        let stderr = child.stderr.take().expect("chromium's stderr");
        let mut lines = BufReader::new(stderr).lines();
        let endpoint = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return url.trim().to_owned();
                }
            }
            panic!("chromium exited without a DevTools endpoint");
        })
        .await
        .expect("chromium announces its DevTools endpoint");
        // Keep draining stderr so that Chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let (socket, _) = tokio_tungstenite::connect_async(endpoint.as_str())
            .await
            .expect("the DevTools WebSocket opens");
        let (mut sink, mut stream) = socket.split();
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = queue.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        let pending: Pending = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        {
            let pending = pending.clone();
            let requests = requests.clone();
            tokio::spawn(async move {
                while let Some(Ok(message)) = stream.next().await {
                    let Message::Text(text) = message else {
                        continue;
                    };
                    let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
                        continue;
                    };
                    if let Some(id) = value.get("id").and_then(Value::as_u64) {
                        if let Some(reply) = pending.lock().await.remove(&id) {
                            let _ = reply.send(value);
                        }
                    } else if value["method"] == "Network.requestWillBeSent"
                        && let Some(url) = value["params"]["request"]["url"].as_str()
                    {
                        requests.lock().await.push(url.to_owned());
                    }
                }
            });
        }
        let mut browser = Self {
            child,
            _profile: profile,
            outgoing,
            pending,
            next_id: AtomicU64::new(1),
            session_id: String::new(),
            requests,
        };
        let target = browser
            .command(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let target_id = target["targetId"].as_str().expect("a target").to_owned();
        let attached = browser
            .command(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
            )
            .await;
        browser.session_id = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        browser.send("Page.enable", json!({})).await;
        browser.send("Network.enable", json!({})).await;
        browser
    }

    async fn command(&self, session: Option<&str>, method: &str, params: Value) -> Value {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let (reply, answer) = oneshot::channel();
        self.pending.lock().await.insert(id, reply);
        self.outgoing
            .send(Message::Text(message.to_string().into()))
            .expect("the DevTools connection is open");
        let answer = tokio::time::timeout(Duration::from_secs(30), answer)
            .await
            .unwrap_or_else(|_| panic!("{method} answered in time"))
            .expect("an answer");
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// Sends `method` to the page and returns its result.
    pub async fn send(&self, method: &str, params: Value) -> Value {
        self.command(Some(&self.session_id.clone()), method, params)
            .await
    }

    /// Evaluates `expression` in the page and returns its value.
    pub async fn eval(&self, expression: &str) -> Value {
        let result = self
            .send(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Marks the current document, so that [`Browser::wait_for_new_page`] sees it replaced.
    async fn mark(&self) {
        self.eval("window.__cordtraceOld = true").await;
    }

    /// Waits until the marked document was replaced by a fully loaded one.
    async fn wait_for_new_page(&self) {
        for _ in 0..300 {
            let loaded = self
                .eval("window.__cordtraceOld !== true && document.readyState === 'complete'")
                .await;
            if loaded == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the next page did not load");
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) {
        self.mark().await;
        self.send("Page.navigate", json!({ "url": url })).await;
        self.wait_for_new_page().await;
    }

    /// Types `text` into the focused element one key at a time, as a keyboard-wedge scanner
    /// does, without pressing Enter.
    pub async fn type_keys(&self, text: &str) {
        for character in text.chars() {
            let key = character.to_string();
            self.send(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyDown", "key": key, "text": key }),
            )
            .await;
            self.send(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyUp", "key": key }),
            )
            .await;
        }
    }

    /// Presses Enter in the focused element and waits for the page the form submission loads.
    pub async fn press_enter(&self) {
        self.mark().await;
        let enter = json!({
            "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13,
            "nativeVirtualKeyCode": 13,
        });
        let mut down = enter.clone();
        down["type"] = json!("keyDown");
        down["text"] = json!("\r");
        self.send("Input.dispatchKeyEvent", down).await;
        let mut up = enter;
        up["type"] = json!("keyUp");
        self.send("Input.dispatchKeyEvent", up).await;
        self.wait_for_new_page().await;
    }

    /// Waits until an input has the focus (autofocus is applied as the page settles; keys
    /// sent before it would be lost, as they would from a scanner fired too early).
    pub async fn wait_for_focused_input(&self) {
        for _ in 0..200 {
            let focused = self
                .eval(
                    "document.activeElement !== null && document.activeElement.tagName === 'INPUT'",
                )
                .await;
            if focused == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no input has the focus");
    }

    /// Types `scan` and Enter, as a scanner delivers one barcode, into the focused input.
    pub async fn scan(&self, scan: &str) {
        self.wait_for_focused_input().await;
        self.type_keys(scan).await;
        self.press_enter().await;
    }

    /// Focuses the element `selector` and types `text` into it.
    pub async fn fill(&self, selector: &str, text: &str) {
        self.eval(&format!(
            "document.querySelector({}).focus()",
            json!(selector)
        ))
        .await;
        self.type_keys(text).await;
    }

    /// Clicks the element `selector` and waits for the page it loads.
    pub async fn click(&self, selector: &str) {
        self.mark().await;
        self.eval(&format!(
            "document.querySelector({}).click()",
            json!(selector)
        ))
        .await;
        self.wait_for_new_page().await;
    }

    /// Sets the value of the `select` or input `selector` without typing (a choice, a date).
    pub async fn set_value(&self, selector: &str, value: &str) {
        self.eval(&format!(
            "document.querySelector({}).value = {}",
            json!(selector),
            json!(value)
        ))
        .await;
    }

    /// Ticks the checkbox `selector`.
    pub async fn tick(&self, selector: &str) {
        self.eval(&format!(
            "document.querySelector({}).checked = true",
            json!(selector)
        ))
        .await;
    }

    /// Makes the page `width` by `height` CSS pixels at `scale` device pixels each: a 1024x768
    /// screen is `(1024, 768, 1.0)`; the same screen zoomed to 200 % is `(512, 384, 2.0)`.
    pub async fn viewport(&self, width: u32, height: u32, scale: f64) {
        self.send(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": false }),
        )
        .await;
    }

    /// Whether the page is wider than the window (content a person would scroll sideways to).
    pub async fn overflows_sideways(&self) -> bool {
        self.eval("document.documentElement.scrollWidth > window.innerWidth")
            .await
            == json!(true)
    }

    /// Whether the element `selector` is entirely inside the window without scrolling.
    pub async fn in_view(&self, selector: &str) -> bool {
        self.eval(&format!(
            "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); \
             return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight \
             && r.right <= window.innerWidth; }})()",
            json!(selector)
        ))
        .await
            == json!(true)
    }

    /// Signs in through the form, typing as a person does, and waits for the page after it.
    pub async fn sign_in(&self, server: &TestServer, username: &str, password: &str) {
        self.goto(&server.url("/signin")).await;
        self.wait_for_focused_input().await;
        assert_eq!(
            self.focused_id().await,
            "username",
            "the username has the focus"
        );
        self.type_keys(username).await;
        self.fill("#password", password).await;
        self.press_enter().await;
    }

    /// Every request the page made went to the server under test (or was a `data:` image).
    pub async fn assert_same_origin_only(&self, server: &TestServer) {
        let origin = server.url("/");
        let requests = self.requests().await;
        assert!(!requests.is_empty(), "the browser made requests");
        for url in requests {
            assert!(
                url.starts_with(&origin) || url.starts_with("data:") || url == "about:blank",
                "a page requested another origin: {url}"
            );
        }
    }

    /// The text of the page's body.
    pub async fn text(&self) -> String {
        self.eval("document.body.innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether an element matches `selector`.
    pub async fn has(&self, selector: &str) -> bool {
        self.eval(&format!(
            "document.querySelector({}) !== null",
            json!(selector)
        ))
        .await
            == json!(true)
    }

    /// The `id` of the focused element.
    pub async fn focused_id(&self) -> String {
        self.eval("document.activeElement ? document.activeElement.id : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.eval("location.href")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's cookies as a `Cookie` header value.
    pub async fn cookie_header(&self) -> String {
        let cookies = self.send("Network.getCookies", json!({})).await;
        cookies["cookies"]
            .as_array()
            .map(|cookies| {
                cookies
                    .iter()
                    .map(|cookie| {
                        format!(
                            "{}={}",
                            cookie["name"].as_str().unwrap_or_default(),
                            cookie["value"].as_str().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }

    /// Runs axe-core (vendored in `tests/assets/axe.min.js`, injected over the protocol, so it
    /// is never part of a page) on the current page and fails on any serious or critical
    /// accessibility violation, naming each with the elements at fault.
    pub async fn assert_accessible(&self, what: &str) {
        let axe = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/axe.min.js"),
        )
        .expect("tests/assets/axe.min.js is there");
        self.eval(&format!("{axe};true")).await;
        let violations = self
            .eval(
                "axe.run(document).then(result => result.violations \
                 .filter(v => v.impact === 'serious' || v.impact === 'critical') \
                 .map(v => v.id + ': ' + v.help + ' at ' \
                     + v.nodes.map(n => n.target.join(' ')).join(', ')))",
            )
            .await;
        assert_eq!(
            violations,
            json!([]),
            "accessibility violations on {what}: {violations}"
        );
    }

    /// Every request URL the page made so far.
    pub async fn requests(&self) -> Vec<String> {
        self.requests.lock().await.clone()
    }

    /// Saves a PNG screenshot of the page as `name` in [`artifacts`] and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let shot = self
            .send("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("image data"))
            .expect("base64 image data");
        let path = artifacts().join(name);
        std::fs::write(&path, bytes).expect("the screenshot is written");
        path
    }

    /// Stops Chromium.
    pub async fn close(mut self) {
        let _ = self.child.kill().await;
    }
}

/// The folder where browser tests leave screenshots: `web-artifacts` in the build's target
/// folder (`CARGO_TARGET_DIR`, else the workspace's `target`).
pub fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map_or_else(|| PathBuf::from("target"), |root| root.join("target"))
        },
        PathBuf::from,
    );
    let folder = target.join("web-artifacts");
    std::fs::create_dir_all(&folder).expect("the artifacts folder exists");
    folder
}
