"""Operating the service: probes, metrics, logs, protection, migrations, workers, deployment."""
