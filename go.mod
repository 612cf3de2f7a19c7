module github.com/tensorgraph/tensorgraph

go 1.26.8
