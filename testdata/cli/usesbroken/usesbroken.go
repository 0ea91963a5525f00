package usesbroken

import "example.com/cli/broken"

var X = broken.F()
