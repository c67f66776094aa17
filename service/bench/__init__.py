"""`trainees bench`: measure the service as deployed, against the limits of its database."""
