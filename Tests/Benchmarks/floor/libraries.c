// The C libraries retryd links, loaded and initialised the way retryd does at start-up, and nothing else: the part
// of retryd's idle memory and image size that no change to retryd's own code can remove. Used by rss-floor.sh.
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <sqlite3.h>

int floor_init_libraries(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1/");
    sqlite3_libversion();
    redisReader *reader = redisReaderCreate();
    return multi && easy && reader;
}
