module nodot

go 1.26
