//! Surface types of the native format, from which `pipec schema` derives the JSON Schema (being written).
