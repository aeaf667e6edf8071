// The Swift runtime, linked in as retryd links it (-static-stdlib), initialising the libraries of libraries.c.
import Glibc

@_silgen_name("floor_init_libraries") func initLibraries() -> Int32

guard initLibraries() != 0 else { exit(1) }
sleep(30)
