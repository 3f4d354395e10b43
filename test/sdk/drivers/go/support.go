package main

import (
	"log"
	"os"
	"runtime/debug"
)

const sdkModule = "github.com/microsoft/durabletask-go"

// sdkVersion is the durabletask-go version this binary was built with (from go.mod via the
// build info), so the matrix shows what ran rather than what a constant claims.
func sdkVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dep := range info.Deps {
		if dep.Path == sdkModule {
			return dep.Version
		}
	}
	return "unknown"
}

// stderrLogger is the SDK's backend.Logger on stderr: stdout is the reply channel.
type stderrLogger struct{}

var sdkLog = log.New(os.Stderr, "durabletask-go ", log.LstdFlags|log.Lmicroseconds)

func (stderrLogger) Debug(v ...any)                 {}
func (stderrLogger) Debugf(format string, v ...any) {}
func (stderrLogger) Info(v ...any)                  { sdkLog.Print(append([]any{"INFO "}, v...)...) }
func (stderrLogger) Infof(format string, v ...any)  { sdkLog.Printf("INFO "+format, v...) }
func (stderrLogger) Warn(v ...any)                  { sdkLog.Print(append([]any{"WARN "}, v...)...) }
func (stderrLogger) Warnf(format string, v ...any)  { sdkLog.Printf("WARN "+format, v...) }
func (stderrLogger) Error(v ...any)                 { sdkLog.Print(append([]any{"ERROR "}, v...)...) }
func (stderrLogger) Errorf(format string, v ...any) { sdkLog.Printf("ERROR "+format, v...) }
