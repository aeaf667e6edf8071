// HTTP1 module: see ../../README.md for the architecture.
