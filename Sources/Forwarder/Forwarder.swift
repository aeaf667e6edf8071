// Forwarder module: see ../../README.md for the architecture.
