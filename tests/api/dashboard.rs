//! The browser side: the dashboard at `/` and GraphiQL at `GET /graphql`, served from the binary.
//!
//! The HTTP tests check what the server sends (types, cache policy, the Content-Security-Policy,
//! no link to another origin). The browser test starts Debian's Chromium headless and drives it
//! over the Chrome DevTools Protocol with the small client below (a websocket, JSON messages),
//! against the real server with the bundled data: the heatmap shows as many cells as the API's
//! `gapMatrix` returns, a click on Mexico x ICCPR Art. 17 shows the Pegasus evidence with its
//! sources, the state page and the positions-across-forums view show what the API answers, a
//! refused request shows its code, GraphiQL renders and runs its example, no page breaks its
//! Content-Security-Policy or throws, and no request leaves the server's origin.
//!
//! Without `/usr/bin/chromium` the browser test prints one line and passes, unless
//! `NORMWATCH_REQUIRE_BROWSER=1` (as in `.ci/run`), when it fails.

use crate::helpers::spawn_app;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

const CHROMIUM: &str = "/usr/bin/chromium";
/// How long a condition may take to become true. Generous: the suite runs many servers at
/// once on a small machine, and a first Chromium start can take several seconds.
const DEADLINE: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// What the server sends

/// The `src` and `href` values of a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(end) = part.find('"') {
                out.push(part[..end].to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn pages_load_only_same_origin_files_under_a_strict_policy() {
    let app = spawn_app().await;
    for (path, marker) in [("/", "Normwatch dashboard"), ("/graphql", "GraphiQL")] {
        let resp = app
            .client
            .get(format!("{}{path}", app.address))
            .header("accept", "text/html")
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), 200, "{path}");
        let h = resp.headers().clone();
        assert_eq!(h["content-type"], "text/html; charset=utf-8", "{path}");
        let csp = h["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let html = resp.text().await.expect("body");
        assert!(html.contains(marker), "{path}");
        assert!(!html.contains("<script>"), "{path} has an inline script");
        let links = links(&html);
        assert!(
            links.iter().any(|l| l.ends_with(".js")),
            "{path}: {links:?}"
        );
        for link in links.iter().filter(|l| !l.starts_with('#')) {
            assert!(
                link.starts_with("/assets/") || link == "/graphql",
                "{path} links {link}"
            );
            if link.starts_with("/assets/") {
                let resp = app.get(link).await;
                assert_eq!(resp.status(), 200, "{link}");
                let ct = resp.headers()["content-type"].to_str().expect("ascii");
                if link.ends_with(".js") {
                    assert_eq!(ct, "text/javascript; charset=utf-8", "{link}");
                }
                if link.ends_with(".css") {
                    assert_eq!(ct, "text/css; charset=utf-8", "{link}");
                }
            }
        }
    }
}

#[tokio::test]
async fn assets_are_cached_and_revalidated() {
    let app = spawn_app().await;
    let vendor = app
        .get("/assets/vendor/react-18.3.1/react.production.min.js")
        .await;
    assert_eq!(vendor.status(), 200);
    assert_eq!(
        vendor.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let own = app.get("/assets/dashboard/app.js").await;
    assert_eq!(own.status(), 200);
    assert_eq!(own.headers()["cache-control"], "no-cache");
    let etag = own.headers()["etag"].to_str().expect("ascii").to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let again = app
        .client
        .get(format!("{}/assets/dashboard/app.js", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().expect("ascii"), etag);
    for missing in [
        "/assets/nothing.js",
        "/assets/vendor/README.md",
        "/assets/vendor/SHA256SUMS",
        "/assets/../Cargo.toml",
    ] {
        assert_eq!(app.get(missing).await.status(), 404, "{missing}");
    }
    // A GET with a query is still the API, not the page.
    let resp = app
        .get("/graphql?query=%7B%20registry%20%7B%20dataVersion%20%7D%20%7D")
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    assert!(
        body["data"]["registry"]["dataVersion"].is_number(),
        "{body}"
    );
}

// ---------------------------------------------------------------------------------------------
// A small Chrome DevTools Protocol client

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Value>>>>;
type WsSink = futures_util::stream::SplitSink<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    Message,
>;

/// One websocket to the browser. Commands carry an id and, for a page, the session id of the
/// flat protocol; a reader task routes answers to their callers and keeps every event.
struct Cdp {
    sink: tokio::sync::Mutex<WsSink>,
    pending: Pending,
    events: Arc<Mutex<Vec<Value>>>,
    next_id: AtomicU64,
    reader: tokio::task::JoinHandle<()>,
}

impl Cdp {
    async fn connect(url: &str) -> Cdp {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .unwrap_or_else(|e| panic!("connect to the DevTools websocket {url}: {e}"));
        let (sink, mut stream) = ws.split();
        let pending: Pending = Arc::default();
        let events: Arc<Mutex<Vec<Value>>> = Arc::default();
        let (p, ev) = (pending.clone(), events.clone());
        let reader = tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                let Message::Text(text) = msg else { continue };
                let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                match value.get("id").and_then(Value::as_u64) {
                    Some(id) => {
                        let waiter = p.lock().expect("lock").remove(&id);
                        if let Some(tx) = waiter {
                            let _ = tx.send(value);
                        }
                    }
                    None => ev.lock().expect("lock").push(value),
                }
            }
        });
        Cdp {
            sink: tokio::sync::Mutex::new(sink),
            pending,
            events,
            next_id: AtomicU64::new(1),
            reader,
        }
    }

    /// Sends a command and returns its `result`; a protocol error or no answer fails the test.
    async fn call(&self, session: Option<&str>, method: &str, params: Value) -> Value {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("lock").insert(id, tx);
        self.sink
            .lock()
            .await
            .send(Message::Text(msg.to_string().into()))
            .await
            .unwrap_or_else(|e| panic!("send {method}: {e}"));
        let answer = tokio::time::timeout(DEADLINE, rx)
            .await
            .unwrap_or_else(|_| panic!("no answer to {method} within {DEADLINE:?}"))
            .unwrap_or_else(|_| panic!("the browser closed the connection during {method}"));
        if let Some(err) = answer.get("error") {
            panic!("{method} failed: {err}");
        }
        answer["result"].clone()
    }

    /// The events named `method` received so far for `session`.
    fn events(&self, session: &str, method: &str) -> Vec<Value> {
        self.events
            .lock()
            .expect("lock")
            .iter()
            .filter(|e| e["method"] == method && e["sessionId"] == session)
            .map(|e| e["params"].clone())
            .collect()
    }
}

/// A headless Chromium with a profile of its own, killed and removed on drop.
struct Browser {
    child: tokio::process::Child,
    profile: PathBuf,
    cdp: Cdp,
}

impl Browser {
    async fn launch(binary: &Path) -> Browser {
        let profile =
            std::env::temp_dir().join(format!("normwatch-chromium-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&profile).expect("profile directory");
        let log = std::fs::File::create(profile.join("chromium.log")).expect("log file");
        let child = tokio::process::Command::new(binary)
            .args([
                "--headless=new",
                "--remote-debugging-port=0",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        // Chromium writes the port it chose, then the browser's websocket path.
        let port_file = profile.join("DevToolsActivePort");
        let start = Instant::now();
        let url = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break format!("ws://127.0.0.1:{port}{path}");
                }
            }
            if start.elapsed() > DEADLINE {
                let log = std::fs::read_to_string(profile.join("chromium.log")).unwrap_or_default();
                panic!("Chromium wrote no DevToolsActivePort within {DEADLINE:?}; its log:\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let cdp = Cdp::connect(&url).await;
        Browser {
            child,
            profile,
            cdp,
        }
    }

    /// A new tab, attached with its own session.
    async fn new_page(&self) -> Page<'_> {
        let target = self
            .cdp
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = self
            .cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        let session = attached["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        let page = Page {
            cdp: &self.cdp,
            session,
        };
        for domain in ["Page.enable", "Network.enable", "Runtime.enable"] {
            page.call(domain, json!({})).await;
        }
        page
    }

    async fn close(mut self) {
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            self.cdp.call(None, "Browser.close", json!({})),
        )
        .await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.cdp.reader.abort();
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// One tab.
struct Page<'a> {
    cdp: &'a Cdp,
    session: String,
}

impl Page<'_> {
    async fn call(&self, method: &str, params: Value) -> Value {
        self.cdp.call(Some(&self.session), method, params).await
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    async fn eval(&self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        if let Some(ex) = result.get("exceptionDetails") {
            panic!("`{expression}` threw: {ex}");
        }
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it is truthy and returns its value; fails after [`DEADLINE`].
    async fn wait_for(&self, what: &str, expression: &str) -> Value {
        let start = Instant::now();
        loop {
            let value = self.eval(expression).await;
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return value;
            }
            if start.elapsed() > DEADLINE {
                let status = self
                    .eval("(document.getElementById('status') || {}).textContent || ''")
                    .await;
                let errors = self.cdp.events(&self.session, "Runtime.exceptionThrown");
                panic!(
                    "waited {DEADLINE:?} for {what} (`{expression}`); status line: {status}; \
                     exceptions: {errors:?}"
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn navigate(&self, url: &str) {
        self.call("Page.navigate", json!({ "url": url })).await;
    }

    /// A real left click (mouse events) at the centre of the element `selector` matches,
    /// scrolled into view first.
    async fn click(&self, selector: &str) {
        let point = self
            .eval(&format!(
                "(() => {{ const e = document.querySelector({sel}); if (!e) return null; \
                 e.scrollIntoView({{ block: 'center', inline: 'center' }}); \
                 const r = e.getBoundingClientRect(); \
                 return {{ x: r.x + r.width / 2, y: r.y + r.height / 2 }}; }})()",
                sel = json!(selector)
            ))
            .await;
        assert!(point.is_object(), "nothing matches {selector}");
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": point["x"], "y": point["y"], "button": "left", "clickCount": 1 }),
            )
            .await;
        }
    }

    /// A PNG of the viewport.
    async fn screenshot(&self) -> Vec<u8> {
        let shot = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("base64 data"))
            .expect("valid base64")
    }

    /// Every URL the tab requested so far.
    fn requested_urls(&self) -> Vec<String> {
        self.cdp
            .events(&self.session, "Network.requestWillBeSent")
            .iter()
            .filter_map(|e| e["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// Content-Security-Policy violations the page reported (see [`CSP_WATCH`]).
    async fn csp_violations(&self) -> Value {
        self.eval("JSON.stringify(window.__cspViolations || [])")
            .await
    }
}

/// Installed in every document before its own scripts: records Content-Security-Policy
/// violations, which a page cannot hide from it.
const CSP_WATCH: &str = "window.__cspViolations = []; \
    document.addEventListener('securitypolicyviolation', \
      (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

/// The browser, or `None` (with one line saying why) when it is missing and not required.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("NORMWATCH_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!(
            "NORMWATCH_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install -y chromium)"
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "dashboard browser test skipped: {CHROMIUM} is missing (apt-get install -y chromium; \
         NORMWATCH_REQUIRE_BROWSER=1 makes this a failure)"
    );
    None
}

/// Where the screenshot goes: `docs/img/dashboard.png` with `UPDATE_SCREENSHOTS=1`, else
/// beside the test binary in the target directory.
fn screenshot_path() -> PathBuf {
    if std::env::var("UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        return Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/img/dashboard.png");
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/api-<hash> -> target/<profile>/screenshots/
    exe.parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."))
        .join("screenshots/dashboard.png")
}

/// What the API says about Mexico x ICCPR Art. 17: per contradicting assessment, its
/// evidence's slug and title and its sources' URLs.
async fn expected_chain(app: &crate::helpers::TestApp) -> Vec<(String, String, Vec<String>)> {
    let data = app
        .data(
            r#"{ gaps(filter: { states: ["MEX"], provisions: ["iccpr-17"] }) {
                   nodes { status contradicting { evidence { slug title sources { url } } } } } }"#,
            json!({}),
        )
        .await;
    let gap = &data["gaps"]["nodes"][0];
    assert_eq!(gap["status"], "CONTRADICTED", "{data}");
    gap["contradicting"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| {
            let e = &a["evidence"];
            let urls = e["sources"]
                .as_array()
                .expect("a list")
                .iter()
                .filter_map(|s| s["url"].as_str())
                .map(|u| {
                    url::Url::parse(u)
                        .map(String::from)
                        .unwrap_or(u.to_string())
                })
                .collect();
            (
                e["slug"].as_str().expect("slug").to_string(),
                e["title"].as_str().expect("title").to_string(),
                urls,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_and_graphiql_work_in_a_real_browser() {
    let Some(binary) = chromium() else { return };
    let app = spawn_app().await;

    // The same arguments the dashboard sends by default: every state, one kind, today.
    let matrix = app
        .data(
            "{ gapMatrix(kinds: [HUMAN_RIGHTS_OBLIGATION]) { states provisions cells { status } } }",
            json!({}),
        )
        .await;
    let expected_cells = matrix["gapMatrix"]["cells"]
        .as_array()
        .expect("cells")
        .len();
    assert!(expected_cells > 100, "{matrix}");
    let chain = expected_chain(&app).await;
    assert!(
        chain
            .iter()
            .any(|(_, title, urls)| title.contains("Pegasus") && !urls.is_empty()),
        "the bundled data has Pegasus evidence with sources against Mexico: {chain:?}"
    );

    let browser = Browser::launch(&binary).await;
    let page = browser.new_page().await;
    page.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1366, "height": 860, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await;
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": CSP_WATCH }),
    )
    .await;

    // The heatmap: one cell per state and provision, as many as the API's matrix.
    page.navigate(&format!("{}/", app.address)).await;
    page.wait_for(
        "the heatmap",
        "document.querySelector('#heatmap[data-ready]') !== null",
    )
    .await;
    let cells = page
        .eval("document.querySelectorAll('#heatmap td.cell').length")
        .await;
    assert_eq!(cells, json!(expected_cells), "cells in the heatmap");

    // A click on Mexico x ICCPR Art. 17 opens its chain: every contradicting evidence, with a
    // link to each of its sources.
    page.click(r#"#heatmap button[data-state="MEX"][data-provision="iccpr-17"]"#)
        .await;
    page.wait_for(
        "the chain of MEX x iccpr-17",
        "document.querySelector('#chain')?.dataset.loaded === 'MEX:iccpr-17'",
    )
    .await;
    let shown = page
        .eval(
            "[...document.querySelectorAll('#chain li.assessment')].map((li) => ({ \
               slug: li.dataset.evidence, text: li.textContent, \
               links: [...li.querySelectorAll('a[href]')].map((a) => a.href) }))",
        )
        .await;
    let shown = shown.as_array().expect("a list");
    let chain_text = page
        .eval("document.querySelector('#chain').textContent")
        .await;
    assert!(
        chain_text.as_str().unwrap_or("").contains("Pegasus"),
        "{chain_text}"
    );
    for (slug, title, urls) in &chain {
        let item = shown
            .iter()
            .find(|s| s["slug"] == slug.as_str())
            .unwrap_or_else(|| panic!("evidence {slug} is not in the chain: {shown:?}"));
        assert!(
            item["text"].as_str().unwrap_or("").contains(title.as_str()),
            "{slug}: {item}"
        );
        for url in urls {
            assert!(
                item["links"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|h| h == url.as_str())),
                "{slug}: no link to {url}: {item}"
            );
        }
    }

    // The picture shows the top of the page and, in the chain, the contradicting evidence.
    page.eval(
        "(() => { const c = document.querySelector('#chain'); \
           const h = [...c.querySelectorAll('h4')].find((h) => h.textContent.startsWith('Contradicting')); \
           if (h) c.scrollTop = h.offsetTop - 8; window.scrollTo(0, 0); return true; })()",
    )
    .await;
    let png = page.screenshot().await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let path = screenshot_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("screenshot directory");
    }
    std::fs::write(&path, &png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));

    assert_eq!(page.csp_violations().await, json!("[]"), "dashboard");

    // The state page shows the API's scorecard and a block per forum.
    let mex = app
        .data(
            r#"{ scorecard(state: "MEX") { committed contradicted }
                 positionsAcrossForums(state: "MEX", provision: "gge-2015-13e") { forum { slug } } }"#,
            json!({}),
        )
        .await;
    page.navigate(&format!("{}/#/state?code=MEX", app.address))
        .await;
    page.wait_for(
        "Mexico's state page",
        "document.querySelector('#state-page')?.dataset.loaded === 'MEX'",
    )
    .await;
    let committed = page
        .eval("document.querySelector('#state-page .scorecard').dataset.committed")
        .await;
    assert_eq!(
        committed,
        json!(mex["scorecard"]["committed"].to_string()),
        "{mex}"
    );
    let forums = page
        .eval("document.querySelectorAll('#state-page .forum').length")
        .await;
    assert!(forums.as_u64() > Some(1), "forum blocks: {forums}");

    // Positions across forums: one block per forum the API answers.
    page.navigate(&format!(
        "{}/#/forums?state=MEX&provision=gge-2015-13e",
        app.address
    ))
    .await;
    page.wait_for(
        "positions across forums",
        "document.querySelector('#forums-view')?.dataset.loaded === 'MEX:gge-2015-13e'",
    )
    .await;
    let blocks = page
        .eval("document.querySelectorAll('#forums-view .forum').length")
        .await;
    let groups = mex["positionsAcrossForums"]
        .as_array()
        .expect("a list")
        .len();
    assert!(groups > 0, "{mex}");
    assert_eq!(blocks, json!(groups), "{mex}");

    // A refused request shows its code and field in the status line.
    page.navigate(&format!("{}/#/heatmap?asOf=2024-13-45", app.address))
        .await;
    let status = page
        .wait_for(
            "the error of a bad date",
            "document.querySelector('#status.error')?.textContent",
        )
        .await;
    assert!(
        status.as_str().unwrap_or("").starts_with("BAD_USER_INPUT"),
        "{status}"
    );

    // Data reaches the page as text, and only http(s) URLs become links.
    let safe = page
        .eval(
            "import('/assets/dashboard/dom.js').then((dom) => { \
               const bad = dom.externalLink('javascript:alert(1)', 'x'); \
               const good = dom.externalLink('https://example.org/r', 'r'); \
               const text = dom.el('p', {}, '<img src=x onerror=alert(1)>'); \
               return [bad.tagName, good.tagName, text.children.length, text.textContent]; })",
        )
        .await;
    assert_eq!(
        safe,
        json!(["SPAN", "A", 0, "<img src=x onerror=alert(1)>"]),
        "{safe}"
    );
    assert_eq!(page.csp_violations().await, json!("[]"), "dashboard views");

    // GraphiQL: its editor appears with the Normwatch example, and running it answers.
    page.navigate(&format!("{}/graphql", app.address)).await;
    let query = page
        .wait_for(
            "GraphiQL's query editor",
            "document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror?.getValue()",
        )
        .await;
    assert!(query.as_str().unwrap_or("").contains("iccpr-17"), "{query}");
    page.click(".graphiql-execute-button").await;
    let answer = page
        .wait_for(
            "GraphiQL's answer",
            "document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue()",
        )
        .await;
    let answer: Value = serde_json::from_str(answer.as_str().unwrap_or("")).expect("JSON answer");
    assert_eq!(
        answer["data"]["gaps"]["nodes"][0]["status"], "CONTRADICTED",
        "{answer}"
    );
    assert_eq!(page.csp_violations().await, json!("[]"), "GraphiQL");

    // Nothing left the server's origin, nothing threw.
    let urls = page.requested_urls();
    assert!(
        urls.iter().any(|u| u.contains("/assets/vendor/graphiql-")),
        "requests were recorded: {urls:?}"
    );
    let foreign: Vec<&String> = urls
        .iter()
        .filter(|u| !u.starts_with(&format!("{}/", app.address)))
        .filter(|u| !u.starts_with("data:") && *u != "about:blank")
        .collect();
    assert!(
        foreign.is_empty(),
        "requests to another origin: {foreign:?}"
    );
    let exceptions = browser.cdp.events(&page.session, "Runtime.exceptionThrown");
    assert!(exceptions.is_empty(), "exceptions: {exceptions:?}");

    browser.close().await;
}
