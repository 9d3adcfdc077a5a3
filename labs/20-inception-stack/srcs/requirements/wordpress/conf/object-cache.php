<?php
/*
 * WordPress's object cache kept in Redis: the drop-in wp-content/object-cache.php, which
 * WordPress loads instead of its own per-request cache (wp-includes/cache.php).
 *
 * Why a file of our own: Debian has the Redis client for PHP (php-redis) but packages no
 * Redis object-cache drop-in, and the usual plugins come from wordpress.org at run time,
 * which this stack never does. This one is the API WordPress needs, on php-redis, and no
 * more: each value is serialize()d under "wp:BLOG:GROUP:KEY" (global groups without
 * BLOG), with a copy in this request's memory; non-persistent groups stay in memory only.
 * If Redis cannot be reached, it answers from memory alone, as WordPress's own cache does,
 * so the site still works (only slower).
 */

class WP_Object_Cache {
	public $cache_hits = 0;
	public $cache_misses = 0;
	private $redis = null;
	private $local = array();
	private $global_groups = array();
	private $local_groups = array();
	private $blog = '1:';

	public function __construct() {
		$host = defined('WP_REDIS_HOST') ? WP_REDIS_HOST : 'redis';
		try {
			$r = new Redis();
			if ($r->connect($host, 6379, 1.0)) {
				$this->redis = $r;
			}
		} catch (Exception $e) {
			error_log('object-cache: Redis at ' . $host . ' unreachable: ' . $e->getMessage());
		}
	}

	private function key($key, $group) {
		$group = $group === '' ? 'default' : $group;
		$blog = isset($this->global_groups[$group]) ? '' : $this->blog;
		return 'wp:' . $blog . $group . ':' . $key;
	}

	private function shared($group) {
		return $this->redis !== null && !isset($this->local_groups[$group === '' ? 'default' : $group]);
	}

	public function get($key, $group = 'default', $force = false, &$found = null) {
		$k = $this->key($key, $group);
		if (!$force && array_key_exists($k, $this->local)) {
			$found = true;
			$this->cache_hits++;
			return is_object($this->local[$k]) ? clone $this->local[$k] : $this->local[$k];
		}
		$v = $this->shared($group) ? $this->redis->get($k) : false;
		$found = $v !== false;
		if (!$found) {
			$this->cache_misses++;
			return false;
		}
		$this->cache_hits++;
		$this->local[$k] = unserialize($v);
		return $this->local[$k];
	}

	public function set($key, $data, $group = 'default', $expire = 0) {
		$k = $this->key($key, $group);
		$this->local[$k] = is_object($data) ? clone $data : $data;
		if (!$this->shared($group)) {
			return true;
		}
		$v = serialize($data);
		return (bool) ($expire > 0 ? $this->redis->setex($k, (int) $expire, $v) : $this->redis->set($k, $v));
	}

	/* add: only if absent; Redis's SET NX makes that hold between concurrent requests. */
	public function add($key, $data, $group = 'default', $expire = 0) {
		if (function_exists('wp_suspend_cache_addition') && wp_suspend_cache_addition()) {
			return false;
		}
		$k = $this->key($key, $group);
		if (!$this->shared($group)) {
			if (array_key_exists($k, $this->local)) {
				return false;
			}
			return $this->set($key, $data, $group, $expire);
		}
		$opts = $expire > 0 ? array('nx', 'ex' => (int) $expire) : array('nx');
		if (!$this->redis->set($k, serialize($data), $opts)) {
			return false;
		}
		$this->local[$k] = is_object($data) ? clone $data : $data;
		return true;
	}

	public function replace($key, $data, $group = 'default', $expire = 0) {
		$this->get($key, $group, false, $found);
		return $found ? $this->set($key, $data, $group, $expire) : false;
	}

	public function delete($key, $group = 'default') {
		$k = $this->key($key, $group);
		$had = array_key_exists($k, $this->local);
		unset($this->local[$k]);
		return $this->shared($group) ? $this->redis->del($k) > 0 || $had : $had;
	}

	/* incr/decr as WordPress's own cache does them (read, add, write back), never
	 * below 0. */
	public function incr($key, $offset = 1, $group = 'default') {
		$v = $this->get($key, $group, false, $found);
		if (!$found) {
			return false;
		}
		$v = max(0, (int) $v + (int) $offset);
		$this->set($key, $v, $group);
		return $v;
	}

	public function decr($key, $offset = 1, $group = 'default') {
		return $this->incr($key, -(int) $offset, $group);
	}

	/* The Redis of this stack is WordPress's cache alone: flushing it is flushing ours. */
	public function flush() {
		$this->local = array();
		return $this->redis === null || $this->redis->flushDb();
	}

	public function flush_runtime() {
		$this->local = array();
		return true;
	}

	public function add_global_groups($groups) {
		foreach ((array) $groups as $g) {
			$this->global_groups[$g] = true;
		}
	}

	public function add_non_persistent_groups($groups) {
		foreach ((array) $groups as $g) {
			$this->local_groups[$g] = true;
		}
	}

	public function switch_to_blog($blog_id) {
		$this->blog = (int) $blog_id . ':';
	}

	public function close() {
		if ($this->redis !== null) {
			$this->redis->close();
		}
		return true;
	}
}

function wp_cache_init() {
	$GLOBALS['wp_object_cache'] = new WP_Object_Cache();
}

function wp_cache_get($key, $group = '', $force = false, &$found = null) {
	return $GLOBALS['wp_object_cache']->get($key, $group, $force, $found);
}

function wp_cache_set($key, $data, $group = '', $expire = 0) {
	return $GLOBALS['wp_object_cache']->set($key, $data, $group, $expire);
}

function wp_cache_add($key, $data, $group = '', $expire = 0) {
	return $GLOBALS['wp_object_cache']->add($key, $data, $group, $expire);
}

function wp_cache_replace($key, $data, $group = '', $expire = 0) {
	return $GLOBALS['wp_object_cache']->replace($key, $data, $group, $expire);
}

function wp_cache_delete($key, $group = '') {
	return $GLOBALS['wp_object_cache']->delete($key, $group);
}

function wp_cache_incr($key, $offset = 1, $group = '') {
	return $GLOBALS['wp_object_cache']->incr($key, $offset, $group);
}

function wp_cache_decr($key, $offset = 1, $group = '') {
	return $GLOBALS['wp_object_cache']->decr($key, $offset, $group);
}

function wp_cache_flush() {
	return $GLOBALS['wp_object_cache']->flush();
}

function wp_cache_flush_runtime() {
	return $GLOBALS['wp_object_cache']->flush_runtime();
}

function wp_cache_supports($feature) {
	return $feature === 'flush_runtime';
}

function wp_cache_close() {
	return $GLOBALS['wp_object_cache']->close();
}

function wp_cache_add_global_groups($groups) {
	$GLOBALS['wp_object_cache']->add_global_groups($groups);
}

function wp_cache_add_non_persistent_groups($groups) {
	$GLOBALS['wp_object_cache']->add_non_persistent_groups($groups);
}

function wp_cache_switch_to_blog($blog_id) {
	$GLOBALS['wp_object_cache']->switch_to_blog($blog_id);
}

function wp_cache_reset() {
	return $GLOBALS['wp_object_cache']->flush_runtime();
}
