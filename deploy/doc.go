// Package deploy holds the checks of the team deployment files at the repository
// root: docker-compose.yml (Postgres, Temporal, its search-attribute set-up, the
// Temporal UI and the worker), the Dockerfile the worker and starter images are built
// from, and .dockerignore. There is no code here, only tests: `go test ./deploy/`
// loads the compose file with compose-go, as Docker Compose would, and checks that
// its services are wired to one another consistently, without needing Docker.
package deploy
