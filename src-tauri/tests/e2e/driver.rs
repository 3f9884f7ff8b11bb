//! The real app under Xvfb, driven over WebDriver: `tauri-driver` (which starts WebKitWebDriver,
//! which starts the app binary) runs on its own Xvfb display with the app's data directory in
//! its environment, so every driver is one app instance with its own store.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any one thing may take to show up on screen.
pub const PATIENCE: Duration = Duration::from_secs(40);

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("port").port()
}

/// A virtual display (Xvfb) with `tauri-driver` on it.
#[derive(Debug)]
pub struct Driver {
    xvfb: Child,
    driver: Child,
    port: u16,
}

impl Driver {
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with(data_dir, &[])
    }

    /// Starts the app with more environment (e.g. a phone clock acted out off the true time).
    pub fn start_with(data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let (display, xvfb) = start_xvfb();
        let (port, native) = (free_port(), free_port());
        let driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &display)
            .env(gridwork_app::DATA_DIR_ENV, data_dir)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .expect("start tauri-driver (scripts/test.sh installs it)");
        Self { xvfb, driver, port }
    }

    /// Opens a session, which starts the app; the window is sized like a phone (360×740).
    pub async fn session(&self) -> Client {
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start listening");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app_binary() }));
        let client = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session with the app");
        client.set_window_size(360, 740).await.expect("resize the window");
        client
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        stop_xvfb(&mut self.xvfb);
    }
}

/// Starts Xvfb on a display it picks itself (`-displayfd`: it skips displays in use and clears
/// the lock files of dead servers, so neither a parallel test nor a killed run can take ours).
fn start_xvfb() -> (String, Child) {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1600x1200x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb (scripts/test.sh installs it)");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("Xvfb's stdout");
    BufReader::new(stdout).read_line(&mut line).expect("Xvfb names its display");
    let n: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb did not start: {line:?}"));
    (format!(":{n}"), child)
}

/// Asks Xvfb to end (SIGTERM, so it removes its lock file), then kills it if it lingers.
fn stop_xvfb(child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gridwork-app"))
}

pub fn css(test_id: &str) -> Locator<'static> {
    Locator::Css(Box::leak(format!("[data-testid=\"{test_id}\"]").into_boxed_str()))
}

/// Waits for the element with `test_id` to appear.
pub async fn find(c: &Client, test_id: &str) -> Element {
    c.wait().at_most(PATIENCE).for_element(css(test_id)).await.unwrap_or_else(|e| panic!("{test_id}: {e}"))
}

/// Scrolls `e` to the middle of the screen, clear of the sticky header and the fixed tab bar.
pub async fn to_middle(c: &Client, e: &Element) {
    let arg = serde_json::to_value(e).expect("element reference");
    c.execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await.expect("scroll");
}

/// Scrolls the element to the middle of the screen and taps it.
pub async fn click(c: &Client, test_id: &str) {
    let e = find(c, test_id).await;
    to_middle(c, &e).await;
    e.click().await.unwrap_or_else(|err| panic!("click {test_id}: {err:?}"));
}

pub async fn type_into(c: &Client, test_id: &str, text: &str) {
    let e = find(c, test_id).await;
    e.clear().await.expect("clear");
    e.send_keys(text).await.unwrap_or_else(|e| panic!("type into {test_id}: {e}"));
}

/// The worker's PIN in the end-to-end tests.
pub const PIN: &str = "246810";

/// Types the new PIN twice on the enrollment form.
pub async fn set_pin(c: &Client) {
    type_into(c, "pin", PIN).await;
    type_into(c, "pin2", PIN).await;
}

/// Waits until the element's text contains `want`; returns the text.
pub async fn wait_text(c: &Client, test_id: &str, want: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(e) = c.find(css(test_id)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(want) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("{test_id} never showed {want:?}; last seen: {last:?}");
}

/// Saves a PNG of the window as `<dir>/<name>.png` when screenshots were asked for.
pub async fn shot(c: &Client, dir: Option<&Path>, name: &str) {
    let Some(dir) = dir else { return };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let png = c.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(dir).expect("screenshot folder");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
}

/// Waits for an element with `test_id` whose text contains `want`, scrolls it into view and taps it.
/// The text is the DOM's (`textContent`): WebKit leaves a line cut short with an ellipsis out of
/// an element's rendered text.
pub async fn click_containing(c: &Client, test_id: &str, want: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        for e in c.find_all(css(test_id)).await.unwrap_or_default() {
            let arg = serde_json::to_value(&e).expect("element reference");
            let text = c.execute("return arguments[0].textContent", vec![arg]).await.unwrap_or_default();
            if text.as_str().unwrap_or_default().contains(want) {
                to_middle(c, &e).await;
                e.click().await.unwrap_or_else(|err| panic!("click {test_id} {want:?}: {err:?}"));
                return;
            }
        }
        assert!(Instant::now() < deadline, "no {test_id} showing {want:?}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until no element with `test_id` is on screen (e.g. the sync's progress bar).
pub async fn wait_gone(c: &Client, test_id: &str) {
    let deadline = Instant::now() + PATIENCE;
    while c.find(css(test_id)).await.is_ok() {
        assert!(Instant::now() < deadline, "{test_id} is still on screen");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Syncs from the outbox tab and waits until the run is over and nothing is left to send.
pub async fn sync(c: &Client) {
    click(c, "nav-outbox").await;
    click(c, "sync-now").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let idle = find(c, "sync-now").await.attr("disabled").await.unwrap_or_default().is_none();
        if idle && c.find(css("sync-done")).await.is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "the sync did not finish");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    wait_text(c, "pending", "全部已同步").await;
}

/// Scrolls the element with `test_id` to the top of the screen (below the sticky header), e.g.
/// before a screenshot of it.
pub async fn scroll_to(c: &Client, test_id: &str) {
    let arg = serde_json::to_value(find(c, test_id).await).expect("element reference");
    let js = "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -110)";
    c.execute(js, vec![arg]).await.expect("scroll");
}
