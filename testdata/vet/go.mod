module example.com/vettest

go 1.26.0
