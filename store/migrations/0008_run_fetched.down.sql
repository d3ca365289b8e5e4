DROP TABLE run_fetched;
