// Test helpers: an in-process upstream and a raw HTTP client.
