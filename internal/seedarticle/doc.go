// Package seedarticle holds the numbers printed in source article 000 (the CNN whose
// gradients are checked against autodiff; see ../shared/seeds/README.md), so the demo, the
// example and every test that compares with the article use one copy. Each function returns
// a fresh slice.
package seedarticle
