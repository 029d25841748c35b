"""Process management: the supervisor of worker processes and the operators' HTTP server."""
