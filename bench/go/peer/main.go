// The peer: durabletask-go's own TaskHubSidecarService over its SQLite backend, wired the way the
// module's own sidecar (its main.go) wires it, with the SQLite backend and the gRPC server as
// shipped. Three things differ: the address, the database path, the logger (quietlog: warnings and
// errors only) and the work items each worker runs at once. The module ships 1 orchestration and
// 1 activity at a time; the defaults here are the per-stream limits of our own server (200 and
// 1,000), so both servers may keep as much work in flight.
//
// Prints `PEER_SQLITE {json}` (the settings every connection of the backend's driver gets, read on
// a scratch database in the data directory before the backend opens its own) and then
// `PEER_READY grpc=127.0.0.1:PORT` once it serves; stops on SIGTERM/SIGINT.
//
// Flags: --data-dir DIR [--host 127.0.0.1] [--port 0] [--orchestrations 200] [--activities 1000]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"dts-bench/internal/quietlog"
	"github.com/microsoft/durabletask-go/backend"
	"github.com/microsoft/durabletask-go/backend/sqlite"
	"google.golang.org/grpc"
)

func main() {
	dataDir := flag.String("data-dir", "", "directory for the SQLite database (required)")
	host := flag.String("host", "127.0.0.1", "address to bind")
	port := flag.Int("port", 0, "port to bind (0: a free one)")
	orchestrationSlots := flag.Int("orchestrations", 200, "orchestration work items in flight")
	activitySlots := flag.Int("activities", 1000, "activity work items in flight")
	flag.Parse()
	if *dataDir == "" {
		log.Fatal("--data-dir is required")
	}
	settings, err := sqliteSettings(filepath.Join(*dataDir, "settings-probe.sqlite"))
	if err != nil {
		log.Fatalf("reading SQLite settings: %v", err)
	}
	fmt.Printf("PEER_SQLITE %s\n", settings)

	logger := quietlog.Logger{}
	be := sqlite.NewSqliteBackend(sqlite.NewSqliteOptions(filepath.Join(*dataDir, "peer.sqlite")), logger)
	server := grpc.NewServer()
	executor, register := backend.NewGrpcExecutor(be, logger)
	register(server)
	orchestrations := backend.NewOrchestrationWorker(be, executor, logger, backend.WithMaxParallelism(int32(*orchestrationSlots)))
	activities := backend.NewActivityTaskWorker(be, executor, logger, backend.WithMaxParallelism(int32(*activitySlots)))
	hub := backend.NewTaskHubWorker(be, orchestrations, activities, logger)
	if err := hub.Start(context.Background()); err != nil {
		log.Fatalf("task hub worker failed to start: %v", err)
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)))
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	fmt.Printf("PEER_READY grpc=%s\n", listener.Addr())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		server.Stop()
	}()
	if err := server.Serve(listener); err != nil {
		log.Fatalf("serve: %v", err)
	}
	shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	_ = hub.Shutdown(shutdown)
}

// sqliteSettings opens a scratch database through the backend's driver, with a DSN of the form the
// backend uses and no options, as the backend opens its own, reads the settings such a connection
// gets (none of them is set by the backend), and removes the scratch file.
func sqliteSettings(path string) (string, error) {
	defer os.Remove(path)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE probe (x INTEGER)"); err != nil {
		return "", err
	}
	settings := map[string]any{}
	for _, pragma := range []string{"journal_mode", "synchronous", "locking_mode", "fullfsync"} {
		var value string
		if err := db.QueryRow("PRAGMA " + pragma).Scan(&value); err != nil {
			return "", fmt.Errorf("PRAGMA %s: %w", pragma, err)
		}
		settings[pragma] = value
	}
	var version string
	if err := db.QueryRow("select sqlite_version()").Scan(&version); err != nil {
		return "", err
	}
	settings["sqliteVersion"] = version
	encoded, err := json.Marshal(settings)
	return string(encoded), err
}
