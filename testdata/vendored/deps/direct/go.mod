module example.com/direct

go 1.26

require (
	example.com/deep v1.0.0
	example.com/over v1.0.0
)

// Only for go mod download in this directory; a dependency's replace directives are ignored.
replace (
	example.com/deep => ../deep
	example.com/over => ../over
)
