//! Test harness: per-test PostgreSQL databases (throwaway cluster when none is reachable), child-process helpers
