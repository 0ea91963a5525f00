package chans // want "built SSA"

// Wait receives: a channel operation in the user's code.
func Wait(ch chan int) int { return <-ch }
