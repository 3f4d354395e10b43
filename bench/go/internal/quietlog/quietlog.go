// Package quietlog is a durabletask-go logger (the SDK's and the backend's interface alike) that
// drops debug and info lines and keeps warnings and errors, on stderr. Both modules' default
// loggers print a line per work item, which would bill the measured process for its own logging.
package quietlog

import "log"

type Logger struct{}

func (Logger) Debug(...any)                   {}
func (Logger) Debugf(string, ...any)          {}
func (Logger) Info(...any)                    {}
func (Logger) Infof(string, ...any)           {}
func (Logger) Warn(v ...any)                  { log.Print(append([]any{"WARNING: "}, v...)...) }
func (Logger) Warnf(format string, v ...any)  { log.Printf("WARNING: "+format, v...) }
func (Logger) Error(v ...any)                 { log.Print(append([]any{"ERROR: "}, v...)...) }
func (Logger) Errorf(format string, v ...any) { log.Printf("ERROR: "+format, v...) }
