//! Loading: the example file, parse errors with positions, environment overrides, relative paths.

use std::path::{Path, PathBuf};

use mdn_config::{Config, ConfigError, StoreBackend, ValueSource};
use mdn_protocol::Symbol;

const NO_ENV: [(&str, &str); 0] = [];

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/node.example.yaml")
}

fn parse_err(text: &str) -> (ConfigError, String) {
    let err = Config::from_yaml_str(text, "/etc/mdn/node.yaml").unwrap_err();
    let msg = err.to_string();
    (err, msg)
}

#[test]
fn example_file_loads_validates_and_documents_the_defaults() {
    let path = example_path();
    let config = Config::load_with_env(&path, NO_ENV).unwrap();
    let base = path.parent().unwrap();
    assert_eq!(config.node.data_dir, base.join("data"));
    assert_eq!(config.key_file(), base.join("data/node.key"));
    assert_eq!(config.scripts.dir, base.join("scripts"));
    assert_eq!(config.sources.len(), 2);
    assert_eq!(
        config.script_path(&config.sources[0]),
        base.join("scripts/binance.rhai")
    );

    // Apart from the example sources and per-symbol band, the file states exactly the defaults.
    let mut expected = Config::default();
    expected.node.data_dir = base.join("data");
    expected.scripts.dir = base.join("scripts");
    expected.sources = config.sources.clone();
    expected.consensus.bands.per_symbol = config.consensus.bands.per_symbol.clone();
    assert_eq!(config, expected);
    let btc = Symbol::parse("BTC/USD").unwrap();
    assert_eq!(config.band_for(&btc), Config::default().band_for(&btc));
}

#[test]
fn empty_or_comment_only_file_is_the_default() {
    for text in ["", "# nothing\n", "---\n", "~\n"] {
        let config = Config::from_yaml_str(text, "node.yaml").unwrap();
        assert_eq!(config, Config::default(), "{text:?}");
    }
    assert!(Config::default().validate().is_ok());
}

#[test]
fn unknown_key_names_key_allowed_keys_and_position() {
    let (err, msg) = parse_err("api:\n  listen: 127.0.0.1:8080\n  lisen: x\n");
    assert!(matches!(err, ConfigError::Parse { .. }));
    assert!(
        msg.starts_with("/etc/mdn/node.yaml:3:3: unknown field `lisen`"),
        "{msg}"
    );
    for allowed in [
        "listen",
        "token",
        "cors_origins",
        "rate_limit_per_sec",
        "test_hooks",
    ] {
        assert!(msg.contains(allowed), "{msg}");
    }
    // The snippet shows the offending line.
    assert!(msg.contains("3 |   lisen: x"), "{msg}");

    let (_, msg) = parse_err(
        "sources:\n  - name: a\n    script: a.rhai\n    schedule: '* * * * *'\n    colour: red\n",
    );
    assert!(
        msg.starts_with("/etc/mdn/node.yaml:5:5: unknown field `colour`"),
        "{msg}"
    );

    let (_, msg) = parse_err("nod:\n  network_id: x\n");
    assert!(
        msg.starts_with("/etc/mdn/node.yaml:1:1: unknown field `nod`"),
        "{msg}"
    );
    assert!(msg.contains("node") && msg.contains("reputation"), "{msg}");
}

#[test]
fn wrong_types_and_bad_values_give_positions() {
    let cases = [
        ("consensus:\n  vote_timeout_ms: soon\n", "2:20"),
        ("network:\n  mdns: maybe\n", "2:9"),
        ("api:\n  listen: localhost\n", "2:11"),
        ("validators:\n  quorum: 1/2\n", "2:11"),
        ("validators:\n  keys: abc\n", "2:9"),
        ("network:\n  listen: [not-a-multiaddr]\n", "2:12"),
        (
            "consensus:\n  bands:\n    per_symbol:\n      btc/usd: {}\n",
            "4:7",
        ),
        (
            "sources:\n  - name: a\n    script: a.rhai\n    schedule: '* * *'\n",
            "4:15",
        ),
        ("sources:\n  - name: a\n    script: a.rhai\n", "3:5"),
        ("node: [1, 2]\n", "1:7"),
        ("api:\n  listen: [\n", "2:11"),
        ("node:\n  network_id: 'x\n", "3:1"),
    ];
    for (text, at) in cases {
        let (err, msg) = parse_err(text);
        assert!(matches!(err, ConfigError::Parse { .. }), "{text}: {msg}");
        assert!(
            msg.starts_with(&format!("/etc/mdn/node.yaml:{at}: ")),
            "{text}: {msg}"
        );
    }
    let (_, msg) = parse_err("validators:\n  quorum: 1/2\n");
    assert!(
        msg.contains("expected a fraction greater than 1/2"),
        "{msg}"
    );
    let (_, msg) = parse_err("sources:\n  - name: a\n    script: a.rhai\n    schedule: '* * *'\n");
    assert!(msg.contains("expected a cron expression"), "{msg}");
}

#[test]
fn env_overrides_are_applied_and_type_checked() {
    let text = "api:\n  listen: 127.0.0.1:8080\nstore:\n  database_url: postgres://a@b/c\n";
    let env = [
        ("MDNODE_API_LISTEN", "127.0.0.1:9000"),
        ("MDNODE_STORE_DATABASE_URL", ""),
        ("MDNODE_VALIDATORS_QUORUM", "0.75"),
        ("MDNODE_NETWORK_MDNS", "false"),
        ("MDNODE_CONSENSUS_BATCH_MAX_QUOTES", "64"),
        ("MDNODE_REPUTATION_RECOVER_ABOVE", "0.6"),
        ("MDNODE_NODE_NAME", "alpha"),
        ("MDNODE_LOG", "debug"),
        ("PATH", "/usr/bin"),
    ];
    let config = Config::from_yaml_str_with_env(text, "/srv/node.yaml", env).unwrap();
    assert_eq!(config.api.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(
        config.store_backend(),
        StoreBackend::Sqlite {
            path: PathBuf::from("/srv/data/mdnode.sqlite")
        }
    );
    assert_eq!(config.quorum(), (75, 100));
    assert!(!config.network.mdns);
    assert_eq!(config.consensus.batch_max_quotes, 64);
    assert_eq!(config.reputation.recover_above, 0.6);
    assert_eq!(config.node.name.as_deref(), Some("alpha"));

    let env_err = |var: &str, value: &str| {
        let err = Config::from_yaml_str_with_env("", "n.yaml", [(var, value)]).unwrap_err();
        match &err {
            ConfigError::Env { var: v, .. } => assert_eq!(v, var),
            other => panic!("expected an Env error for {var}, got {other}"),
        }
        err.to_string()
    };
    let msg = env_err("MDNODE_CONSENSUS_VOTE_TIMEOUT_MS", "5s");
    assert!(
        msg.contains("MDNODE_CONSENSUS_VOTE_TIMEOUT_MS") && msg.contains("whole number"),
        "{msg}"
    );
    let msg = env_err("MDNODE_NETWORK_MDNS", "yes");
    assert!(msg.contains("expected `true` or `false`"), "{msg}");
    let msg = env_err("MDNODE_API_LISTEN", "nowhere");
    assert!(msg.contains("address and port"), "{msg}");
    let msg = env_err("MDNODE_VALIDATORS_QUORUM", "1/3");
    assert!(msg.contains("(1/2, 1]"), "{msg}");
}

#[test]
fn unknown_or_non_scalar_env_vars_are_errors_naming_them() {
    let cases = [
        ("MDNODE_API_LISTN", "MDNODE_API_LISTEN"),
        ("MDNODE_APII_LISTEN", "SECTION one of"),
        ("MDNODE_NETWORK_LISTEN", "only be set in the config file"),
        ("MDNODE_VALIDATORS_KEYS", "only be set in the config file"),
        ("MDNODE_SOURCES", "only be set in the config file"),
        ("MDNODE_", "SECTION one of"),
    ];
    for (var, hint) in cases {
        let err = Config::from_yaml_str_with_env("", "n.yaml", [(var, "x")]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("environment variable {var}: ")),
            "{msg}"
        );
        assert!(msg.contains(hint), "{var}: {msg}");
    }
}

#[test]
fn relative_paths_resolve_against_the_config_directory() {
    let text = "node:\n  data_dir: state\nstore:\n  sqlite_path: db/x.sqlite\nscripts:\n  dir: /opt/scripts\n";
    let config = Config::from_yaml_str_with_env(
        text,
        "/etc/mdn/node.yaml",
        [("MDNODE_NODE_KEY_FILE", "keys/me.key")],
    )
    .unwrap();
    assert_eq!(config.node.data_dir, PathBuf::from("/etc/mdn/state"));
    assert_eq!(config.key_file(), PathBuf::from("/etc/mdn/keys/me.key"));
    assert_eq!(
        config.store_backend(),
        StoreBackend::Sqlite {
            path: PathBuf::from("/etc/mdn/db/x.sqlite")
        }
    );
    assert_eq!(config.scripts.dir, PathBuf::from("/opt/scripts"));

    // Without a directory in the origin, paths stay relative to the working directory.
    let config = Config::from_yaml_str("", "node.yaml").unwrap();
    assert_eq!(config.key_file(), PathBuf::from("data/node.key"));
}

#[test]
fn load_reads_files_and_reports_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.yaml");
    std::fs::write(&path, "node:\n  network_id: test-net\n").unwrap();
    let config = Config::load_with_env(&path, NO_ENV).unwrap();
    assert_eq!(config.node.network_id, "test-net");
    assert_eq!(config.node.data_dir, dir.path().join("data"));

    let missing = dir.path().join("absent.yaml");
    let err = Config::load_with_env(&missing, NO_ENV).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.to_string().contains("absent.yaml"), "{err}");
}

#[test]
fn problems_from_env_name_the_variable() {
    let err = Config::from_yaml_str_with_env(
        "consensus:\n  vote_timeout_ms: 10\n",
        "/x/node.yaml",
        [("MDNODE_CONSENSUS_VOTE_TIMEOUT_MS", "0")],
    )
    .unwrap_err();
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].source,
        ValueSource::Env("MDNODE_CONSENSUS_VOTE_TIMEOUT_MS".into())
    );
    assert!(err.to_string().contains(
        "/x/node.yaml: consensus.vote_timeout_ms (set by MDNODE_CONSENSUS_VOTE_TIMEOUT_MS): must be greater than 0"
    ), "{err}");
}

#[test]
fn a_splay_over_a_minute_is_refused_with_its_line() {
    let err = Config::from_yaml_str("scripts:\n  splay_ms: 60001\n", "/x/node.yaml").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("/x/node.yaml:2:") && text.contains("scripts.splay_ms"),
        "{text}"
    );
    assert!(text.contains("at most 60000 ms, got 60001"), "{text}");
    let ok = Config::from_yaml_str("scripts:\n  splay_ms: 0\n", "/x/node.yaml").unwrap();
    assert_eq!(ok.scripts.splay_ms, 0);
}

#[test]
fn yaml_output_reads_back_the_same() {
    let config = Config::load_with_env(&example_path(), NO_ENV).unwrap();
    let text = config.to_yaml().unwrap();
    let again = Config::from_yaml_str(&text, "/generated/node.yaml").unwrap();
    assert_eq!(again, config, "{text}");
}
