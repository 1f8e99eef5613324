"""crmdesk's benchmark suite: `bash bench/run.sh` (see README, "Benchmarks")."""
