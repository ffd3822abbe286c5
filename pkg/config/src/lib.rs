//! Node configuration: YAML loading with file/line/column errors, environment overrides, validation
