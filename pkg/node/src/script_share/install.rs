//! Publishing and installing: checking a script against its announcement, fetching its body from
//! peers, and keeping it (file in `<scripts.dir>/installed/` and store record).

use mdn_network::{Request, Response};
use mdn_protocol::{Decode, Encode, Hash32, ScriptAnnouncement};
use mdn_scripts::Script;
use mdn_store::ScriptRecord;
use serde_json::json;

use super::check::{check_announcement, check_body};
use super::{ScriptShare, ShareError, TRUSTED_BY_CONFIG};
use crate::clock::now_ms;

/// The announcement kept in a record's `manifest_json` (key `announcement`, hex), if any.
pub fn stored_announcement(record: &ScriptRecord) -> Option<ScriptAnnouncement> {
    let value: serde_json::Value = serde_json::from_str(&record.manifest_json).ok()?;
    let bytes = hex::decode(value["announcement"].as_str()?).ok()?;
    ScriptAnnouncement::decode_from_slice(&bytes).ok()
}

/// What publishing did.
#[derive(Debug, Clone)]
pub struct Published {
    /// The stored record.
    pub record: ScriptRecord,
    /// Whether the announcement went out (false: no peer subscribed yet; it is re-announced).
    pub announced: bool,
}

impl ScriptShare {
    /// Publishes a script signed by its author: checks the announcement and the body, keeps the
    /// script (installed, untrusted unless its author is trusted) and announces it.
    pub async fn publish(
        &self,
        announcement: &[u8],
        body: &str,
        by: &str,
    ) -> Result<Published, ShareError> {
        let ann = ScriptAnnouncement::decode_from_slice(announcement)?;
        check_announcement(&ann, &self.inner.config.network_id)?;
        let script = check_body(&ann, body.as_bytes())?;
        let record = self.keep(&ann, &script, by).await?;
        self.catalogue().add(ann.clone(), now_ms());
        let announced = match self.announce(&ann).await {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(hash = %ann.script_hash, %err, "script announcement not sent yet");
                false
            }
        };
        tracing::info!(hash = %ann.script_hash, name = %ann.name, by, "script published");
        Ok(Published { record, announced })
    }

    /// Installs an announced script: fetches its body from connected peers until one passes the
    /// checks, then keeps it. Idempotent: an installed script is returned as it is.
    pub async fn install(&self, hash: Hash32, by: &str) -> Result<ScriptRecord, ShareError> {
        if let Some(record) = self.inner.store.script(&hash).await? {
            return Ok(record);
        }
        let ann = self
            .catalogue()
            .get(&hash)
            .map(|e| e.announcement.clone())
            .ok_or(ShareError::NotAnnounced(hash))?;
        let script = self.fetch(&ann).await?;
        let record = self.keep(&ann, &script, by).await?;
        tracing::info!(%hash, name = %ann.name, by, "script installed");
        Ok(record)
    }

    /// Asks connected peers for the body, one after the other; the first that passes wins. A body
    /// that fails the checks is never kept; the last refusal is reported when none passes.
    async fn fetch(&self, ann: &ScriptAnnouncement) -> Result<Script, ShareError> {
        let hash = ann.script_hash;
        let peers = self
            .inner
            .network
            .connected_peers()
            .await
            .map_err(|e| ShareError::Internal(format!("network: {e}")))?;
        let mut refusal = None;
        let mut answers = Vec::new();
        for peer in peers {
            let request = Request::Script { hash: hash.0 };
            match self.inner.network.request(peer, request).await {
                Ok(Response::Script { body: Some(body) }) => match check_body(ann, &body) {
                    Ok(script) => return Ok(script),
                    Err(why) => {
                        tracing::warn!(%peer, %hash, %why, "peer sent a script body that fails its checks");
                        refusal = Some(why);
                    }
                },
                Ok(Response::Script { body: None }) => answers.push(format!("{peer}: not held")),
                Ok(other) => answers.push(format!("{peer}: unexpected answer {other:?}")),
                Err(err) => answers.push(format!("{peer}: {err}")),
            }
        }
        match refusal {
            Some(why) => Err(why.into()),
            None if answers.is_empty() => Err(ShareError::Unavailable {
                hash,
                detail: "no peer connected".into(),
            }),
            None => Err(ShareError::Unavailable {
                hash,
                detail: answers.join("; "),
            }),
        }
    }

    /// Writes the script file and the store record (trusted at once when the author is trusted);
    /// a trusted script is scheduled.
    async fn keep(
        &self,
        ann: &ScriptAnnouncement,
        script: &Script,
        by: &str,
    ) -> Result<ScriptRecord, ShareError> {
        if let Some(record) = self.inner.store.script(&ann.script_hash).await? {
            return Ok(record);
        }
        let now = now_ms();
        let trusted = self.trusted_author(&ann.author);
        let manifest_json = json!({
            "manifest": script.manifest,
            "announcement": hex::encode(ann.encode_to_vec()),
        })
        .to_string();
        let record = ScriptRecord {
            hash: ann.script_hash,
            name: ann.name.clone(),
            version: ann.version.clone(),
            author: Some(ann.author),
            manifest_json,
            body: script.source.clone(),
            trusted,
            installed_at_ms: now,
            installed_by: by.to_owned(),
            trusted_at_ms: trusted.then_some(now),
            trusted_by: trusted.then(|| TRUSTED_BY_CONFIG.to_owned()),
        };
        let path = self.write_file(&record)?;
        if let Err(err) = self.inner.store.put_script(&record).await {
            let _ = std::fs::remove_file(&path);
            return Err(err.into());
        }
        if trusted {
            self.schedule_record(&record).await?;
        }
        Ok(record)
    }

    fn write_file(&self, record: &ScriptRecord) -> Result<std::path::PathBuf, ShareError> {
        let dir = &self.inner.config.installed_dir;
        let io = |e: std::io::Error, what: &str| ShareError::Internal(format!("{what}: {e}"));
        std::fs::create_dir_all(dir).map_err(|e| io(e, &format!("creating {}", dir.display())))?;
        let path = dir.join(file_name(record));
        let tmp = path.with_extension("rhai.tmp");
        std::fs::write(&tmp, &record.body)
            .map_err(|e| io(e, &format!("writing {}", tmp.display())))?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| io(e, &format!("renaming to {}", path.display())))?;
        Ok(path)
    }
}

/// `<name>-<version>-<first 12 hex digits of the hash>.rhai`.
pub fn file_name(record: &ScriptRecord) -> String {
    let hex = record.hash.to_hex();
    format!("{}-{}-{}.rhai", record.name, record.version, &hex[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_name_version_and_hash_prefix() {
        let record = ScriptRecord {
            hash: Hash32([0xab; 32]),
            name: "sharedx".into(),
            version: "1.2.0".into(),
            ..ScriptRecord::default()
        };
        assert_eq!(file_name(&record), "sharedx-1.2.0-abababababab.rhai");
    }

    #[test]
    fn the_announcement_is_read_back_from_the_record() {
        let ann = ScriptAnnouncement {
            network_id: "n".into(),
            author: mdn_protocol::PublicKey([1; 32]),
            script_hash: Hash32([2; 32]),
            body_len: 3,
            name: "x".into(),
            version: "1.0.0".into(),
            description: "d".into(),
            symbols: vec!["*".into()],
            schedule: "* * * * *".into(),
            hosts: vec![],
            published_at_ms: 5,
            signature: mdn_protocol::Signature([7; 64]),
        };
        let record = ScriptRecord {
            manifest_json: json!({"announcement": hex::encode(ann.encode_to_vec())}).to_string(),
            ..ScriptRecord::default()
        };
        assert_eq!(stored_announcement(&record), Some(ann));
        assert_eq!(stored_announcement(&ScriptRecord::default()), None);
    }
}
