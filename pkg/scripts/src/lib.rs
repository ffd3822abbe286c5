//! Sandboxed Rhai scraper-script runtime: manifests, host functions, limits, output validation
