//! A real SMTP server for the mail tests: Python's aiosmtpd (from PyPI, installed by
//! scripts/test.sh), storing every message it accepts in a Maildir.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::free_port;

pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

/// A message as the server received it.
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// The raw message, for scans for what must never be in a mail.
    pub raw: String,
}

impl SmtpServer {
    /// Starts a server on a free loopback port and waits until it accepts connections.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut server =
            SmtpServer { port: free_port(), maildir: dir.path().join("maildir"), child: None, _dir: dir };
        server.start_again();
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on its port, with the messages it had.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd; scripts/test.sh does)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("aiosmtpd exited ({status}): is it installed? pip install aiosmtpd");
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server: connections are refused until `start_again`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far, in the order they were queued (the outbox row's id in the
    /// `Message-ID`): the arrival order of mails sent within a millisecond is not kept.
    pub fn received(&self) -> Vec<Received> {
        let mut received: Vec<Received> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir.join(sub)).ok())
            .flatten()
            .filter_map(|entry| entry.ok())
            .map(|entry| parse(&std::fs::read(entry.path()).unwrap()))
            .collect();
        received.sort_by_key(|mail| queue_position(&mail.message_id));
        received
    }

    /// Waits until at least `n` messages arrived, then answers all of them.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= n || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `<ID.KEY@domain>`: ID, the outbox row's.
fn queue_position(message_id: &str) -> u64 {
    message_id.trim_start_matches('<').split('.').next().and_then(|id| id.parse().ok()).unwrap_or(u64::MAX)
}

pub fn parse(raw: &[u8]) -> Received {
    use mailparse::MailHeaderMap;
    let mail = mailparse::parse_mail(raw).expect("a parseable message");
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    assert_eq!(mail.ctype.mimetype, "multipart/alternative", "{}", String::from_utf8_lossy(raw));
    let part = |mime: &str| {
        mail.subparts
            .iter()
            .find(|p| p.ctype.mimetype == mime)
            .unwrap_or_else(|| panic!("no {mime} part"))
            .get_body()
            .unwrap()
    };
    Received {
        to: header("To"),
        subject: header("Subject"),
        message_id: header("Message-ID"),
        text: part("text/plain"),
        html: part("text/html"),
        raw: String::from_utf8_lossy(raw).into_owned(),
    }
}
