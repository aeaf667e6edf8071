// The libraries alone, from C: see libraries.c.
#include <unistd.h>
int floor_init_libraries(void);
int main(void) {
    if (!floor_init_libraries()) return 1;
    sleep(30);
    return 0;
}
