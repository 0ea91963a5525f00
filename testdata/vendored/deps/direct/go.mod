module example.com/direct

go 1.26

require example.com/deep v1.0.0
