module example.com/vendored

go 1.26

require example.com/direct v1.0.0

require (
	example.com/deep v1.0.0 // indirect
	example.com/over v1.0.0 // indirect
)

replace example.com/direct => ./deps/direct

replace example.com/deep => ./deps/deep

replace example.com/over => ./deps/over
