"""Operating the service: request logs, metrics, probes and the middleware that feeds them."""
