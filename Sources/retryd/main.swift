print("retryd")
