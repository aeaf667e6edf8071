// The Swift runtime alone, linked in as retryd links it (-static-stdlib).
import Glibc

sleep(30)
