//! `mdnode scripts publish | install | trust | list --available`: script sharing through a running
//! node's HTTP API (the node owns the network). `publish` signs the announcement here, with the
//! author's key file (default: the node's key from the config), and hands it with the body to the
//! node, which checks both and announces the script.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use mdn_protocol::Encode;
use mdn_scripts::Script;
use serde_json::{Value, json};

/// Where the node's API is and how to authenticate; defaults come from the node's config file.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Remote {
    /// The node's YAML config (for the API address, token and key file).
    #[arg(long, short, env = "MDNODE_CONFIG")]
    config: Option<PathBuf>,
    /// The node's API base URL; default `http://<api.listen>` from the config.
    #[arg(long)]
    api: Option<String>,
    /// Bearer token for changes; default `api.token` from the config.
    #[arg(long, env = "MDNODE_API_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Recorded as who installed or trusted the script; default `$USER`.
    #[arg(long)]
    by: Option<String>,
}

/// The resolved remote: base URL, token, who, config.
struct Node {
    base: String,
    token: Option<String>,
    by: String,
    config: Option<mdn_config::Config>,
    http: reqwest::Client,
}

impl Remote {
    fn resolve(&self) -> anyhow::Result<Node> {
        let path = self.config.clone().or_else(|| {
            let default = PathBuf::from("config/node.yaml");
            default.exists().then_some(default)
        });
        let config = path
            .map(|p| {
                mdn_config::Config::load(&p)
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .with_context(|| format!("loading config {}", p.display()))
            })
            .transpose()?;
        let base = match (&self.api, &config) {
            (Some(api), _) => api.trim_end_matches('/').to_owned(),
            (None, Some(c)) => {
                let mut addr = c.api.listen;
                if addr.ip().is_unspecified() {
                    addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                format!("http://{addr}")
            }
            (None, None) => "http://127.0.0.1:8080".to_owned(),
        };
        let token = self
            .token
            .clone()
            .or_else(|| config.as_ref().and_then(|c| c.api.token.clone()));
        let by = self
            .by
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "cli".to_owned());
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()?;
        Ok(Node {
            base,
            token,
            by,
            config,
            http,
        })
    }
}

impl Node {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .with_context(|| format!("GET {}{path}", self.base))?;
        answer(resp).await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let Some(token) = &self.token else {
            bail!("no API token: pass --token or set api.token in the config");
        };
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req
            .send()
            .await
            .with_context(|| format!("POST {}{path}", self.base))?;
        answer(resp).await
    }
}

/// The JSON answer, or the API's error message as the error.
async fn answer(resp: reqwest::Response) -> anyhow::Result<Value> {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    match body["error"]["message"].as_str() {
        Some(message) => bail!("{message} (HTTP {status})"),
        None => bail!("the node answered HTTP {status}"),
    }
}

fn block_on<T>(f: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `mdnode scripts publish FILE [--key FILE]`.
pub(crate) fn publish(file: &Path, key: Option<&Path>, remote: &Remote) -> anyhow::Result<()> {
    let script = Script::load(file)?;
    let node = remote.resolve()?;
    let Some(config) = &node.config else {
        bail!("publish needs the node's config (--config) for its network id");
    };
    let key_file = key.map_or_else(|| config.key_file(), Path::to_path_buf);
    let author = mdn_identity::load(&key_file)
        .with_context(|| format!("author key {}", key_file.display()))?;
    let ann =
        mdn_node::script_share::check::announcement_for(&script, &config.node.network_id, now_ms())
            .sign(author.signing_key());
    let body = json!({
        "announcement": hex::encode(ann.encode_to_vec()),
        "body": script.source,
        "by": node.by,
    });
    let out = block_on(node.post("/api/v1/scripts", Some(body)))?;
    let announced = if out["announced"] == true {
        "announced"
    } else {
        "stored; not announced yet (no peer subscribed), re-announced within a minute"
    };
    writeln!(
        std::io::stdout().lock(),
        "published {} {} hash {} author {}: {announced}",
        script.manifest.name,
        script.manifest.version,
        script.script_hash,
        ann.author
    )?;
    Ok(())
}

fn change(remote: &Remote, hash: &str, action: &str) -> anyhow::Result<()> {
    let node = remote.resolve()?;
    let path = format!(
        "/api/v1/scripts/{hash}/{action}?by={}",
        url_encode(&node.by)
    );
    let out = block_on(node.post(&path, None))?;
    let trusted = if out["trusted"] == true {
        format!(
            "trusted by {} (runs now)",
            out["trusted_by"].as_str().unwrap_or("?")
        )
    } else {
        "not trusted: it does not run until `mdnode scripts trust`".to_owned()
    };
    writeln!(
        std::io::stdout().lock(),
        "{action}: {} {} hash {} file {}; {trusted}",
        out["name"].as_str().unwrap_or("?"),
        out["version"].as_str().unwrap_or("?"),
        out["hash"].as_str().unwrap_or(hash),
        out["file"].as_str().unwrap_or("?"),
    )?;
    Ok(())
}

/// `mdnode scripts install HASH`.
pub(crate) fn install(hash: &str, remote: &Remote) -> anyhow::Result<()> {
    change(remote, hash, "install")
}

/// `mdnode scripts trust HASH`.
pub(crate) fn trust(hash: &str, remote: &Remote) -> anyhow::Result<()> {
    change(remote, hash, "trust")
}

/// `mdnode scripts list --available [--json]`: the node's catalogue.
pub(crate) fn list_available(remote: &Remote, as_json: bool) -> anyhow::Result<()> {
    let node = remote.resolve()?;
    let out = block_on(node.get("/api/v1/scripts?available=true"))?;
    let mut w = std::io::stdout().lock();
    if as_json {
        writeln!(w, "{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    writeln!(
        w,
        "{:<16} {:<10} {:<14} {:<14} {:<24} {:>7} {:>6} {:<9} FIRST_SEEN",
        "NAME", "VERSION", "HASH", "AUTHOR", "SYMBOLS", "RUNNING", "SCORE", "STATE"
    )?;
    for item in out["items"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let text = |k: &str| item[k].as_str().unwrap_or("").to_owned();
        let prefix = |k: &str| text(k).chars().take(12).collect::<String>();
        let symbols: Vec<&str> = item["symbols"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let score = item["source_score"]
            .as_f64()
            .map_or_else(|| "-".to_owned(), |s| format!("{s:.2}"));
        let state = match (item["installed"] == true, item["trusted"] == true) {
            (_, true) => "trusted",
            (true, false) => "installed",
            _ => "available",
        };
        writeln!(
            w,
            "{:<16} {:<10} {:<14} {:<14} {:<24} {:>7} {:>6} {:<9} {}",
            text("name"),
            text("version"),
            prefix("hash"),
            prefix("author"),
            symbols.join(","),
            item["validators_running"].as_u64().unwrap_or(0),
            score,
            state,
            text("first_seen"),
        )?;
    }
    Ok(())
}

/// Percent-encodes all but `A-Z a-z 0-9 - _ . ~`.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::url_encode;

    #[test]
    fn who_is_percent_encoded() {
        assert_eq!(url_encode("jane doe&x"), "jane%20doe%26x");
        assert_eq!(url_encode("ok-_.~9"), "ok-_.~9");
    }
}
