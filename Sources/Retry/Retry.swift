// Retry module: see ../../README.md for the architecture.
