package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"feedbackpipe/codec"
)

func (c *cli) codecServerCommand() *cobra.Command {
	var addr, origin string
	cmd := &cobra.Command{
		Use:   "codec-server",
		Short: "Serve the payload codec so the Temporal UI and the temporal CLI show encrypted payloads decoded",
		Long: `With PAYLOAD_KEY or PAYLOAD_KEY_FILE set, the worker and the starter encrypt what they put in
Temporal. Key holders run this on their own machine and point the Temporal UI (Settings, Codec
Server: http://127.0.0.1:8081, or 'temporal server start-dev --ui-codec-endpoint
http://127.0.0.1:8081') or the CLI ('temporal workflow show --codec-endpoint http://127.0.0.1:8081')
at it. Anyone who reaches it can decode, so it listens on loopback unless told otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if c.cfg.Codec == nil {
				return errors.New("no payload key: set PAYLOAD_KEY or PAYLOAD_KEY_FILE")
			}
			if origin == "" {
				origin = c.cfg.UIURL
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			srv := &http.Server{Handler: codec.Handler(c.cfg.Codec, origin), ReadHeaderTimeout: 5 * time.Second}
			fmt.Fprintf(c.out, "codec server on http://%s (current key %s, CORS for %s)\n", ln.Addr(), c.cfg.Codec.CurrentKeyID(), origin)
			go func() {
				<-cmd.Context().Done()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("codec server: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8081", "address to listen on")
	cmd.Flags().StringVar(&origin, "ui-origin", "", "origin of the Temporal UI allowed by CORS (default: TEMPORAL_UI_URL)")
	return cmd
}
