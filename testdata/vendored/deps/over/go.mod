module example.com/over

go 1.26

require example.com/direct v1.0.0

// Only for go mod download in this directory; a dependency's replace directives are ignored.
replace example.com/direct => ../direct
