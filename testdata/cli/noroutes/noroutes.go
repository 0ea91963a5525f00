// Package noroutes sleeps but registers no handler: nothing is reported, and blockcheck says it found no route.
package noroutes

import "time"

func Wait() { time.Sleep(time.Second) }
