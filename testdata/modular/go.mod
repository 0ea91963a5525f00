module example.com/modular

go 1.26.0
