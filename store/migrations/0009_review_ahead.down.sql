DROP TABLE run_review_ahead;
